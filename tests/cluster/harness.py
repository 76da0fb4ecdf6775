# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The cluster tier's machinery: the cluster (start_cluster.sh / node.sh), the client processes (programs/client.py
under each implementation's interpreter), the failure scenarios, and the counting.

Nothing here imports ``proton``: both implementations install that name, so every AMQP client is a subprocess.

A scenario runs every (implementation, client kind) pair at once, each pair a producer and a consumer of its own
quorum queue, so all of them live through the same failures: the same nodes die at the same moments. Producers
try the nodes in the order 1, 2, 3 and consumers 3, 2, 1, so that (until something fails) they are on different
nodes and "the producer's node" and "the consumer's node" are different nodes. Every client reconnects to the
first node in its list that answers, so all clients of one role are on the same node, and a failure meant for
that role hits all of them.

Counting, per pair: ``lost`` are the seqs the producer saw accepted that the consumer never received (must be 0
for cyproton); ``duplicates`` the extra deliveries of seqs received more than once (at-least-once allows them);
``failover`` the time from a failure (SIGKILL, SIGSTOP, or the whole cluster killed) to the first message the
client moved through a node other than the failed one (accepted, for a producer; received, for a consumer);
``throughput`` the producer's accepted messages per second over its whole run, failures included.
"""

import collections
import json
import os
import re
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "programs", "client.py")
NODES = (1, 2, 3)
ROLES = ("producer", "consumer")
URL_ORDER = {"producer": (1, 2, 3), "consumer": (3, 2, 1)}
# Quorum queues are declared through this node, so their leaders start there (RabbitMQ's default leader locator
# is client-local). It is first in nobody's order: a paused leader stalls its queue on every node until Erlang's
# net_ticktime (60 s) declares it gone, which is the broker's recovery rather than the client's, so the pause
# scenario does not pause it while the clients' own node can be paused instead.
LEADER_NODE = 2
GIVE_UP_GRACE = 15.0     # seconds a client asked to give up has to report before it is killed
IMPL_NAMES = {"ours": "cyproton", "ref": "python-qpid-proton"}


# ---------------------------------------------------------------------------------------------- the cluster

def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                key, value = line.strip().split("=", 1)
                env[key] = value.strip('"')
    return env


class Cluster:
    """A cluster made by start_cluster.sh DIR; nodes are numbered 1..3."""

    def __init__(self, directory):
        self.dir = str(directory)
        self.env = read_env(os.path.join(self.dir, "cluster.env"))
        self.port = {n: int(self.env["PORT_%d" % n]) for n in NODES}
        self.name = {n: self.env["NODE_%d" % n] for n in NODES}
        self.log = []    # (monotonic time, what)

    def url(self, n):
        return "amqp://127.0.0.1:%d" % self.port[n]

    def node_of(self, announced):
        """Node number of a container id announced by a node (``cyproton-cN-PORT@host``), or None."""
        found = re.match(r"cyproton-c(\d)-", announced or "")
        return int(found.group(1)) if found else None

    def _script(self, n, command, timeout=180):
        done = subprocess.run([os.path.join(HERE, "node.sh"), self.dir, str(n), command], capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError("node.sh %s %s failed: %s%s" % (n, command, done.stdout, done.stderr))
        return done.stdout.strip()

    def beam_pid(self, n):
        text = self._script(n, "pid")
        return int(text) if text else None

    def signal(self, n, what):
        """SIGKILL (``kill``), SIGSTOP (``pause``) or SIGCONT (``resume``) node n; returns the time it happened."""
        pid = self.beam_pid(n)
        if pid is None:
            raise RuntimeError("node %d is not running" % n)
        t = time.monotonic()
        os.kill(pid, {"kill": 9, "pause": 19, "resume": 18}[what])
        self.log.append((t, "%s node %d" % (what, n)))
        if what == "kill":
            deadline = time.monotonic() + 10
            while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        return t

    def start(self, *nodes):
        """Boot the given nodes (in parallel) and wait until they answer; returns when the last is up."""
        errors = []

        def boot(n):
            try:
                self._script(n, "start")
            except Exception as e:   # noqa: BLE001 - reported below
                errors.append(e)
        threads = [threading.Thread(target=boot, args=(n,)) for n in nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        t = time.monotonic()
        self.log.append((t, "up node %s" % ",".join(map(str, nodes))))
        return t

    def running(self):
        return [n for n in NODES if self.beam_pid(n)]

    def queues(self, python, names, delete=False):
        """Declare (or delete) quorum queues through LEADER_NODE (or the first running node if it is down)."""
        running = self.running()
        through = LEADER_NODE if LEADER_NODE in running else running[0]
        argv = [python, os.path.join(HERE, "declare_queues.py"), "--url",
                "amqp://guest:guest@127.0.0.1:%d" % self.port[through]]
        subprocess.run(argv + (["--delete"] if delete else []) + list(names), check=True, capture_output=True,
                       timeout=120)


# ---------------------------------------------------------------------------------------------- the clients

class Client:
    """One programs/client.py process."""

    def __init__(self, workdir, impl, python_argv, kind, role, urls, queue, pair, options):
        self.impl, self.kind, self.role, self.pair = impl, kind, role, pair
        tag = "%s-%s-%s" % (impl, kind, role)
        self.status_path = os.path.join(workdir, tag + ".status")
        self.out_path = os.path.join(workdir, tag + ".out")
        self.err_path = os.path.join(workdir, tag + ".err")
        argv = python_argv + [PROGRAM, "--kind", kind, "--role", role, "--urls", ",".join(urls),
                              "--address", "/amq/queue/" + queue, "--status", self.status_path,
                              "--stop", pair.stop_path, "--giveup", pair.giveup_path,
                              "--expect", pair.expect_path] + options
        self.out = open(self.out_path, "w")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err, stdin=subprocess.DEVNULL,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.result = None

    def status(self):
        try:
            with open(self.status_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            self.proc.kill()      # this PID only
            self.proc.wait()
        self.out.close()
        self.err.close()
        self.result = {}
        with open(self.out_path) as f:
            for line in reversed(f.read().splitlines()):
                if line.startswith("{"):
                    try:
                        self.result = json.loads(line)
                    except ValueError:
                        pass
                    break
        self.result["exit"] = self.proc.returncode
        return self.result

    def stderr_tail(self, n=1500):
        with open(self.err_path) as f:
            return f.read()[-n:]


class Pair:
    """A producer and a consumer of one queue, under one implementation and one client kind."""

    def __init__(self, workdir, impl, kind, queue):
        self.impl, self.kind, self.queue = impl, kind, queue
        self.stop_path = os.path.join(workdir, "%s-%s.stop" % (impl, kind))
        self.giveup_path = self.stop_path + ".giveup"
        self.expect_path = os.path.join(workdir, "%s-%s.expect.json" % (impl, kind))
        self.clients = {}


# ---------------------------------------------------------------------------------------------- scenarios

class Scenario:
    """A failure pattern, applied while every pair runs. ``events`` collects (time, node or None, role or None,
    what): node None means every node; role None means every client was meant to be hit."""

    name = ""
    description = ""
    # clients in the role being hit must move on within this many seconds of a failure
    failover_limit = 60.0

    def __init__(self, cluster, pairs, settings):
        self.cluster = cluster
        self.pairs = pairs
        self.settings = settings
        self.events = []

    def clients(self, role):
        return [p.clients[role] for p in self.pairs]

    def nodes_of(self, role):
        """Where the clients of ``role`` are now: node -> count."""
        found = collections.Counter()
        for client in self.clients(role):
            n = self.cluster.node_of(client.status().get("node"))
            if n:
                found[n] += 1
        return found

    def progress(self, role):
        key = "accepted" if role == "producer" else "received"
        return [c.status().get(key, 0) for c in self.clients(role)]

    def wait_flowing(self, role, timeout=60.0):
        """Until every client of ``role`` has moved at least one more message (all are connected and working)."""
        start = self.progress(role)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.progress(role)
            if all(b > a for a, b in zip(start, now)):
                return True
            time.sleep(0.1)
        return False

    def wait_moved(self, role, node, timeout):
        """Until every client of ``role`` is connected to a node other than ``node`` and has moved a message
        there. (Progress alone is not enough after a SIGSTOP: what the node wrote before it stopped is still
        in the sockets, and reading it counts as progress.)"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            where = [self.cluster.node_of(c.status().get("node")) for c in self.clients(role)]
            if all(n is not None and n != node for n in where):
                if self.wait_flowing(role, timeout=max(0.1, deadline - time.monotonic())):
                    return True
            time.sleep(0.1)
        return False

    def target(self, role):
        """The node most clients of ``role`` are on (the first in their order, when none is connected)."""
        found = self.nodes_of(role)
        if found:
            return found.most_common(1)[0][0]
        return URL_ORDER[role][0]

    def run(self):
        raise NotImplementedError


class KillRole(Scenario):
    """SIGKILL the node the clients of ``role`` are connected to, mid-stream; restart it once they have moved on;
    ``count`` times."""

    role = "producer"

    def run(self):
        for _ in range(self.settings["kills"]):
            self.wait_flowing(self.role)
            node = self.target(self.role)
            t = self.cluster.signal(node, "kill")
            self.events.append((t, node, self.role, "kill"))
            # the node boots again while its clients move on (a boot takes longer than a failover)
            boot = threading.Thread(target=self.cluster.start, args=(node,))
            boot.start()
            self.wait_flowing(self.role, timeout=self.failover_limit)
            boot.join()
        self.wait_flowing("producer")
        self.wait_flowing("consumer")


class KillProducerNode(KillRole):
    name = "kill-producer-node"
    description = "SIGKILL the producers' node mid-stream, restart it"
    role = "producer"


class KillConsumerNode(KillRole):
    name = "kill-consumer-node"
    description = "SIGKILL the consumers' node mid-stream, restart it"
    role = "consumer"


class PauseNode(Scenario):
    """SIGSTOP the node of the producers, then of the consumers, in turn: its sockets stay open and silent, so
    only the idle timeout (heartbeats) notices. SIGCONT once the clients have moved on (or after
    ``pause_limit`` seconds). When the turn's clients are on the queues' leader node (LEADER_NODE) and the other
    role's are not, the other role's node is paused instead."""

    name = "pause-node"
    description = "SIGSTOP a node (producers', consumers', in turn), SIGCONT later"

    def run(self):
        for i in range(self.settings["pauses"]):
            role = ROLES[i % 2]
            other = ROLES[(i + 1) % 2]
            if self.target(role) == LEADER_NODE and self.target(other) != LEADER_NODE:
                role = other
            self.wait_flowing(role)
            node = self.target(role)
            t = self.cluster.signal(node, "pause")
            self.events.append((t, node, role, "pause"))
            self.wait_moved(role, node, timeout=self.settings["pause_limit"])
            self.cluster.signal(node, "resume")
            time.sleep(1.0)   # let the resumed node's members catch up before the next pause
        self.wait_flowing("producer")
        self.wait_flowing("consumer")


class ClusterDown(Scenario):
    """SIGKILL every node at once, leave the cluster down for ``down_seconds``, boot all three again: clients
    keep retrying with their Backoff and carry on when it is back."""

    name = "cluster-down"
    description = "SIGKILL all 3 nodes, down a while, boot them again"

    def run(self):
        for _ in range(self.settings["outages"]):
            self.wait_flowing("producer")
            self.wait_flowing("consumer")
            t = time.monotonic()
            for n in NODES:
                self.cluster.signal(n, "kill")
            self.events.append((t, None, None, "kill all"))
            time.sleep(self.settings["down_seconds"])
            self.cluster.start(*NODES)
            self.wait_flowing("producer", timeout=self.failover_limit)
            self.wait_flowing("consumer", timeout=self.failover_limit)


SCENARIOS = [KillProducerNode, KillConsumerNode, PauseNode, ClusterDown]


# ---------------------------------------------------------------------------------------------- counting

def expand(runs):
    for first, last in runs:
        yield from range(first, last + 1)


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 100)))
    return ordered[rank - 1]


def failover_times(result, events, role, cluster):
    """Seconds from each event that hit this client to its first transfer through another node."""
    times = []
    epochs = result.get("epochs", [])
    for t, node, event_role, _ in events:
        if event_role not in (None, role):
            continue
        on_it = [e for e in epochs if e["opened"] <= t and (e["closed"] is None or e["closed"] >= t)]
        if node is not None and not any(cluster.node_of(e["node"]) == node for e in on_it):
            continue   # this client was not on the failed node
        after = [e["first"] for e in epochs if e["first"] and e["first"] > t
                 and (node is None or cluster.node_of(e["node"]) != node)]
        times.append(min(after) - t if after else None)
    return times


def count_pair(pair, scenario):
    producer = pair.clients["producer"].result or {}
    consumer = pair.clients["consumer"].result or {}
    accepted = set(expand(producer.get("accepted", [])))
    received = set(expand(consumer.get("received", [])))
    role = {"kill-producer-node": "producer", "kill-consumer-node": "consumer"}.get(scenario.name)
    times = []
    for r in ROLES:
        if role in (None, r):
            result = producer if r == "producer" else consumer
            times += failover_times(result, scenario.events, r, scenario.cluster)
    measured = [t for t in times if t is not None]
    run_time = (producer.get("ended", 0) - producer.get("started", 0)) or None
    problems = []
    for r, result in (("producer", producer), ("consumer", consumer)):
        if not result.get("epochs"):
            problems.append("%s reported nothing (exit %s)" % (r, result.get("exit")))
        elif result.get("hung"):
            problems.append("%s hung" % r)
        elif result.get("gave_up"):
            problems.append("%s had not finished when the drain time ran out" % r)
        elif result.get("timed_out"):
            problems.append("%s timed out" % r)
    if len(measured) < len(times):
        problems.append("%d failures not recovered from" % (len(times) - len(measured)))
    return {
        "scenario": scenario.name, "impl": pair.impl, "kind": pair.kind,
        "accepted": len(accepted), "received": len(received),
        "lost": len(accepted - received), "duplicates": sum(consumer.get("duplicates", {}).values()),
        "accepted_twice": producer.get("accepted_twice", 0),
        "resent": producer.get("resent", 0), "released": producer.get("released", 0),
        "rejected": producer.get("rejected", 0),
        "failovers": len(times), "failover_times": [round(t, 3) for t in measured],
        "p50": percentile(measured, 50) if measured else None,
        "p99": percentile(measured, 99) if measured else None,
        "throughput": len(accepted) / run_time if run_time else 0.0,
        "seconds": round(run_time or 0, 1),
        "reconnects": max(0, len(producer.get("epochs", [])) - 1) + max(0, len(consumer.get("epochs", [])) - 1),
        "problems": problems,
    }


def format_row(row):
    def secs(v):
        return "-" if v is None else "%.2f s" % v
    text = "%-19s %-8s %-18s lost %d  duplicates %d  failover p50 %s p99 %s (%d)  throughput %.0f msg/s  " \
           "accepted %d" % (row["scenario"], row["kind"], IMPL_NAMES.get(row["impl"], row["impl"]), row["lost"],
                            row["duplicates"], secs(row["p50"]), secs(row["p99"]), row["failovers"],
                            row["throughput"], row["accepted"])
    if row["problems"]:
        text += "  [" + "; ".join(row["problems"]) + "]"
    return text


# ---------------------------------------------------------------------------------------------- running

def _finish(pairs, role, settings):
    """Wait for the clients of ``role`` to end by themselves; past ``drain_seconds`` ask them to give up (they
    report what they have), and past that kill them."""
    deadline = time.monotonic() + settings["drain_seconds"]
    for pair in pairs:
        client = pair.clients[role]
        try:
            client.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            open(pair.giveup_path, "w").close()
    for pair in pairs:
        pair.clients[role].wait(GIVE_UP_GRACE)


#: client kinds that only some implementations have (python-qpid-proton has no asyncio API)
KIND_IMPLS = {"asyncio": ("ours",)}


def run_scenario(cluster, scenario_class, workdir, pythons, kinds, settings):
    """Run one scenario with every (implementation, kind) pair at once; returns (rows, scenario)."""
    os.makedirs(workdir, exist_ok=True)
    pairs = []
    for impl in pythons:
        for kind in kinds:
            if impl not in KIND_IMPLS.get(kind, (impl,)):
                continue
            queue = "%s-%s-%s" % (scenario_class.name, impl, kind)
            pairs.append(Pair(workdir, impl, kind, queue))
    queues = [p.queue for p in pairs]
    cluster.queues(settings["declare_python"], queues, delete=True)
    cluster.queues(settings["declare_python"], queues)
    scenario = scenario_class(cluster, pairs, settings)
    options = ["--heartbeat", str(settings["heartbeat"]), "--max-delay", str(settings["max_delay"]),
               "--timeout", str(settings["client_timeout"]), "--rate", str(settings["rate"])]
    for pair in pairs:
        for role in ("consumer", "producer"):
            urls = [cluster.url(n) for n in URL_ORDER[role]]
            extra = list(settings.get("extra", {}).get((pair.impl, role), []))
            pair.clients[role] = Client(workdir, pair.impl, pythons[pair.impl], pair.kind, role, urls, pair.queue,
                                        pair, options + extra)
    error = None
    try:
        scenario.run()
    except Exception as e:   # noqa: BLE001 - the clients are still stopped and counted; re-raised after
        error = e
    finally:
        # any node still down or paused comes back, so that consumers can drain
        for n in NODES:
            pid = cluster.beam_pid(n)
            if pid:
                os.kill(pid, 18)
        missing = [n for n in NODES if not cluster.beam_pid(n)]
        if missing:
            cluster.start(*missing)
        for pair in pairs:
            open(pair.stop_path, "w").close()
        _finish(pairs, "producer", settings)
        for pair in pairs:
            result = pair.clients["producer"].result
            tmp = pair.expect_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"accepted": result.get("accepted", [])}, f)
            os.replace(tmp, pair.expect_path)
        _finish(pairs, "consumer", settings)
    if error is not None:
        raise error
    rows = [count_pair(pair, scenario) for pair in pairs]
    return rows, scenario

