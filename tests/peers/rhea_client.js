// SPDX-License-Identifier: Apache-2.0
// Copyright (c) 2026 the cyproton authors
//
// rhea_client.js: a client on rhea (npm), to check a proton server against an AMQP implementation that is not
// proton. Messages are those of kind "rhea-client" in tests/interop/programs/messages.py (make(n) here and
// _make_rhea_client(n) there must stay in step): typed values, so a proton receiver can check every type.
//
//   node rhea_client.js URL ADDRESS --op send|recv [--count N] [--mode at-least-once|at-most-once]
//                       [--link-name NAME] [--credit C] [--first N] [--timeout SECONDS]
//   node rhea_client.js --op encode [--count N]      print message n, encoded by rhea, as hex: one per line
//
// URL: amqp://[user:password@]host:port (SASL PLAIN with a user, else ANONYMOUS). Run with NODE_PATH set to the
// node_modules dir that tests/peers/ensure_rhea.sh prints. Prints one JSON line at the end, like send.py/recv.py:
// send: sent, accepted, rejected, released, modified, settled; recv: received, duplicates, missing, mismatched,
// problems (each message compared with what rhea makes of its own encoding of message n).
'use strict';
const rhea = require('rhea');
const t = rhea.types;

function parseArgs(argv) {
  const args = {count: 1000, mode: 'at-least-once', credit: 100, first: 0, timeout: 60, positional: []};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) args[argv[i].slice(2).replace(/-/g, '_')] = argv[++i];
    else args.positional.push(argv[i]);
  }
  for (const k of ['count', 'credit', 'first', 'timeout']) args[k] = Number(args[k]);
  [args.url, args.address] = args.positional;
  return args;
}

const BIG = 48 * 1024;

function make(n) {   // messages.py: _make_rhea_client(n)
  let body;
  if (n % 97 === 96) body = 'x'.repeat(BIG);
  else if (n % 3 === 0) body = rhea.message.data_section(Buffer.from(`rhea body ${n}`));
  else if (n % 3 === 1) body = `rhea body ${n}`;
  else body = t.wrap_map({n: t.wrap_long(n), s: 'map body'});
  return {
    durable: n % 2 === 1,
    priority: n % 10,
    message_id: `rhea-${n}`,
    subject: `subject ${n}`,
    content_type: 'text/plain',
    creation_time: new Date(1700000000000 + n),
    group_sequence: n,
    application_properties: {
      seq: t.wrap_long(n), ubyte: t.wrap_ubyte(n % 256), ushort: t.wrap_ushort(n), uint: t.wrap_uint(n),
      ulong: t.wrap_ulong(n), byte: t.wrap_byte(-(n % 128)), short: t.wrap_short(-n), int: t.wrap_int(-n),
      long: t.wrap_long(-n), double: t.wrap_double(n + 0.5), float: t.wrap_float(0.5), bool: n % 2 === 0,
      string: `s-${n}`, symbol: t.wrap_symbol(`sym-${n}`), binary: Buffer.from(`b-${n}`), null: null,
      timestamp: t.wrap_timestamp(1700000000000 + n), uuid: t.wrap_uuid(uuidBytes(n)), char: t.wrap_char(0x72),
    },
    message_annotations: {'x-opt-seq': t.wrap_long(n), 'x-opt-str': 'annotation'},
    body,
  };
}

function uuidBytes(n) {   // uuid.UUID(int=n)
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n, 12);
  return b;
}

// A comparable form of a decoded message: JSON with buffers, dates and sections spelled out, defaults dropped
// (proton leaves out a header or properties field that has its default value, rhea writes it).
const DEFAULTS = {delivery_count: 0, priority: 4, group_sequence: 0};
function plain(value) {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return {binary: value.toString('hex')};
  if (value instanceof Date) return {timestamp: value.getTime()};
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    if (value.typecode !== undefined && value.content !== undefined) {
      return {section: value.typecode, content: plain(value.content)};
    }
    const out = {};
    for (const k of Object.keys(value).sort()) {
      const v = plain(value[k]);
      if (v !== null && v !== false && !(DEFAULTS[k] === v)) out[k] = v;
    }
    return out;
  }
  return value;
}
const expected = n => plain(rhea.message.decode(rhea.message.encode(make(n))));

// The fields (and application properties) in which two plain messages differ, as "field: want W got G".
function differences(n, want, got) {
  const out = [];
  const keys = (a, b) => [...new Set([...Object.keys(a || {}), ...Object.keys(b || {})])].sort();
  for (const k of keys(want, got)) {
    const [w, g] = [want[k], got[k]];
    if (JSON.stringify(w) === JSON.stringify(g)) continue;
    if (k === 'application_properties') {
      for (const p of keys(w, g)) {
        const [wp, gp] = [JSON.stringify((w || {})[p]), JSON.stringify((g || {})[p])];
        if (wp !== gp) out.push(`msg ${n} ${k}.${p}: want ${wp} got ${gp}`);
      }
    } else {
      const [ws, gs] = [String(JSON.stringify(w)).slice(0, 200), String(JSON.stringify(g)).slice(0, 200)];
      out.push(`msg ${n} ${k}: want ${ws} got ${gs}`);
    }
  }
  return out;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.op === 'encode') {
    for (let n = args.first; n < args.first + args.count; n++) {
      console.log(rhea.message.encode(make(n)).toString('hex'));
    }
    return;
  }
  const url = new URL(args.url);
  const s = {program: 'rhea_client', op: args.op, sent: 0, settled: 0, accepted: 0, rejected: 0, released: 0,
             modified: 0, received: 0, duplicates: 0, missing: null, mismatched: 0, problems: [], error: null,
             ok: false};
  const container = rhea.create_container({id: 'rhea-client-' + process.pid});
  const options = {host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port), reconnect: false};
  if (url.username) Object.assign(options, {username: decodeURIComponent(url.username),
                                            password: decodeURIComponent(url.password)});
  const linkOptions = {name: args.link_name};
  if (args.mode === 'at-most-once') linkOptions.snd_settle_mode = 1;   // settled
  const seen = new Set();
  let finished = false;

  function finish() {
    if (finished) return;
    finished = true;
    if (args.op === 'recv') {
      const missing = [];
      for (let n = args.first; n < args.first + args.count; n++) if (!seen.has(n)) missing.push(n);
      s.missing = missing.length;
      s.missing_first = missing.slice(0, 20);
      s.ok = s.received === args.count && !s.duplicates && !s.mismatched;
    }
    console.log(JSON.stringify(s));
    process.exit(s.timed_out ? 3 : s.error ? 2 : s.ok ? 0 : 1);
  }
  const timer = setTimeout(() => { s.timed_out = true; finish(); }, args.timeout * 1000);
  process.on('uncaughtException', err => {
    s.error = {name: 'exception', description: String(err.stack)};
    finish();
  });
  const done = ctx => { clearTimeout(timer); ctx.connection.close(); };

  container.on('connection_close', () => finish());
  container.on('disconnected', ctx => { if (!finished && !ctx.connection.is_closed()) {
    s.error = s.error || {name: 'disconnected', description: String(ctx.error || '')}; finish(); } });
  for (const ev of ['connection_error', 'sender_error', 'receiver_error', 'session_error']) {
    container.on(ev, ctx => {
      const e = ctx.connection.error || (ctx.sender || ctx.receiver || ctx.session || {}).error || {};
      s.error = {name: e.condition, description: e.description, where: ev};
      ctx.connection.close();
    });
  }

  if (args.op === 'send') {
    // rhea takes credit (and counts delivery-count) when it writes a transfer, not when send() queues one:
    // queue no more than the credit, and close an at-most-once run only once every transfer is written.
    const unwritten = sender => {   // a drain advances delivery-count past what was sent: count from there
      if (sender.delivery_count > sender.sends) sender.sends = sender.delivery_count;
      return sender.sends - sender.delivery_count;
    };
    const closeWhenWritten = ctx => {
      if (unwritten(ctx.sender) > 0) { setTimeout(closeWhenWritten, 1, ctx); return; }
      s.settled = s.sent;
      s.ok = true;
      done(ctx);
    };
    container.on('sender_open', ctx => { ctx.sender.sends = 0; });
    container.on('sendable', ctx => {
      while (ctx.sender.credit - unwritten(ctx.sender) > 0 && s.sent < args.count) {
        ctx.sender.send(make(args.first + s.sent));
        s.sent++;
        ctx.sender.sends++;
      }
      if (s.sent === args.count && args.mode === 'at-most-once') closeWhenWritten(ctx);
    });
    container.on('sender_draining', ctx => {   // nothing more to send: give the credit back
      if (s.sent === args.count && unwritten(ctx.sender) === 0) {
        s.drained = (s.drained || 0) + 1;
        ctx.sender.set_drained(true);
        ctx.sender.connection._register();   // rhea writes that flow only when told there is work
      }
    });
    const outcome = name => ctx => {
      s[name]++;
      if (++s.settled === args.count) { s.ok = s.accepted === args.count; done(ctx); }
    };
    container.on('accepted', outcome('accepted'));
    container.on('rejected', outcome('rejected'));
    container.on('released', outcome('released'));   // rhea reports modified as released unless told otherwise
  } else {
    linkOptions.credit_window = args.credit;
    linkOptions.source = args.address;
    container.on('message', ctx => {
      const msg = ctx.message;
      const n = Number(msg.application_properties && msg.application_properties.seq);
      if (seen.has(n)) { s.duplicates++; return; }
      seen.add(n);
      s.received++;
      const problems = differences(n, expected(n), plain(msg));
      if (problems.length) {
        s.mismatched++;
        s.problems.push(...problems.slice(0, 5 - s.problems.length));
      }
      if (s.received === args.count) done(ctx);
    });
  }

  const connection = container.connect(options);
  if (args.op === 'send') connection.open_sender(Object.assign(linkOptions, {target: args.address}));
  else connection.open_receiver(linkOptions);
}

main();
