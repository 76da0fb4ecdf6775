/* SPDX-License-Identifier: Apache-2.0
 * Copyright (c) 2026 the cyproton authors
 *
 * The engine driven from C: one side of the peer-to-peer benchmark (S1, S2) written straight against
 * the Proton-C engine that cyproton links (the static libqpid-proton-core.a of build/), with a poll()
 * loop of its own over one TCP socket. It gives bench/run.py the figure the Python peers are compared
 * with. bench/cpeer.py builds it into build/bench/ and runs it.
 *
 *     cpeer [--timeout S] receive (--listen HOST:PORT | --connect URL) [--count N] [--prefetch N]
 *                                 [--address A] [--body str:N] [--progress S]
 *     cpeer [--timeout S] send    (--listen HOST:PORT | --connect URL) [--count N] [--presettled]
 *                                 [--address A] [--body str:N]
 *
 * The options and the output are those of src/cyproton/bench/worker.py's receive and send, so the
 * same driver code runs either: {"ready": true} once it listens (or, connecting as a receiver, once
 * its link is attached), {"progress": n, "time": t} lines with --progress, and a last JSON line with
 * role, messages, t_first/t_last (wall clock, as Python's time.time()), cpu_run_seconds (user+sys
 * from just before the socket is made to the end of the transfer), cpu_seconds, maxrss_kb, impl
 * and error.
 *
 * Per message it does what the Python worker asks of the library: the sender fills the body of one
 * reused pn_message_t with a 100-character string and encodes it with pn_message_encode() into a
 * reused buffer, then pn_delivery / pn_link_send / pn_link_advance (and settles at once when
 * presettled); the receiver reads each complete delivery with pn_link_recv, decodes it with
 * pn_message_decode(), checks the body (a string of the right size, the first and last numbered),
 * accepts and settles it (or only settles a presettled one) and tops the credit up to --prefetch
 * after every message, as MessagingHandler's flow controller does. At least once, the sender
 * settles each delivery when its outcome comes back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <proton/codec.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/message.h>
#include <proton/sasl.h>
#include <proton/session.h>
#include <proton/terminus.h>
#include <proton/transport.h>
#include <proton/version.h>

/* The worker's body text (worker.py PAD), so both peers put the same bytes on the wire. */
static const char PAD[] =
    "cyproton benchmark body: one hundred characters of text per message, the same for both peers. ";
#define SEQ_DIGITS 9

typedef struct {
    bool sending;
    const char *listen;
    const char *connect;
    const char *address;
    long count;
    int prefetch;
    bool presettled;
    size_t body_size;
    double progress;
    int timeout;
} options_t;

typedef struct {
    options_t opt;
    int fd;
    pn_connection_t *connection;
    pn_transport_t *transport;
    pn_collector_t *collector;
    pn_link_t *link;
    pn_message_t *message;
    char *buffer;        /* encode / receive buffer, grown as needed */
    size_t buffer_size;
    char *body_plain;    /* the body most messages share */
    char *body_numbered; /* the first and the last message: their number, then the pad */
    long sent;
    long settled;        /* outcomes seen (sender, at least once) */
    long refused;        /* rejected, released or modified outcomes */
    long received;
    long bad;
    uint64_t tag;
    double t_first, t_last;
    double cpu_start, cpu_end;
    bool done;           /* the transfer is over (t_last taken) */
    bool closed;         /* the transport is closed at both ends */
    bool ready_sent;
    double next_progress;
    char error[512];
} peer_t;

/* -- small helpers ------------------------------------------------------------------------------ */

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static pn_timestamp_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (pn_timestamp_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double cpu_now(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void fail(peer_t *p, const char *fmt, ...) {
    if (p->error[0]) return; /* the first failure is the one worth reporting */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    va_end(ap);
}

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "cpeer: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static void grow_buffer(peer_t *p, size_t size) {
    if (size <= p->buffer_size) return;
    size_t n = p->buffer_size ? p->buffer_size : 1024;
    while (n < size) n *= 2;
    p->buffer = realloc(p->buffer, n);
    if (!p->buffer) die("out of memory");
    p->buffer_size = n;
}

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

/* HOST:PORT, or amqp://[user@]HOST:PORT[/path], into host and port (default 5672). */
static void split_address(const char *text, char *host, size_t hsize, char *port, size_t psize) {
    const char *s = strstr(text, "://");
    s = s ? s + 3 : text;
    const char *at = strchr(s, '@');
    if (at) s = at + 1;
    const char *end = s + strcspn(s, "/");
    const char *colon = NULL;
    for (const char *q = s; q < end; q++)
        if (*q == ':') colon = q;
    size_t hlen = (size_t)((colon ? colon : end) - s);
    if (hlen == 0 || hlen >= hsize) die("bad address %s", text);
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    if (colon) {
        size_t plen = (size_t)(end - colon - 1);
        if (plen == 0 || plen >= psize) die("bad port in %s", text);
        memcpy(port, colon + 1, plen);
        port[plen] = '\0';
    } else {
        snprintf(port, psize, "5672");
    }
}

static void set_nonblocking(int fd) {
    int one = 1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void emit_ready(peer_t *p) {
    if (p->ready_sent) return;
    p->ready_sent = true;
    printf("{\"ready\": true}\n");
    fflush(stdout);
}

/* -- sockets ------------------------------------------------------------------------------------ */

/* Listens on HOST:PORT, says it is ready, and returns the first connection accepted. */
static int accept_one(peer_t *p) {
    char host[256], port[32];
    split_address(p->opt.listen, host, sizeof host, port, sizeof port);
    struct addrinfo hints = {0}, *found;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &found);
    if (rc != 0) die("listen %s: %s", p->opt.listen, gai_strerror(rc));
    int lfd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, found->ai_addr, found->ai_addrlen) < 0 || listen(lfd, 8) < 0)
        die("listen %s: %s", p->opt.listen, strerror(errno));
    freeaddrinfo(found);
    emit_ready(p);
    int fd;
    do {
        fd = accept(lfd, NULL, NULL);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) die("accept: %s", strerror(errno));
    close(lfd);
    set_nonblocking(fd);
    return fd;
}

static int connect_to(peer_t *p, char *host, size_t hsize) {
    char port[32];
    split_address(p->opt.connect, host, hsize, port, sizeof port);
    struct addrinfo hints = {0}, *found, *ai;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &found);
    if (rc != 0) die("connect %s: %s", p->opt.connect, gai_strerror(rc));
    int fd = -1;
    for (ai = found; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        if (fd >= 0) close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) die("connect %s: %s", p->opt.connect, strerror(errno));
    set_nonblocking(fd);
    return fd;
}

/* -- sending ------------------------------------------------------------------------------------ */

static void finish_transfer(peer_t *p) {
    if (p->done) return;
    p->done = true;
    p->t_last = wall_now();
    p->cpu_end = cpu_now();
}

static void send_messages(peer_t *p, pn_link_t *link) {
    long count = p->opt.count;
    if (p->sent >= count || pn_link_credit(link) <= 0) return;
    if (p->sent == 0) p->t_first = wall_now();
    pn_message_t *msg = p->message;
    while (p->sent < count && pn_link_credit(link) > 0) {
        long seq = p->sent;
        const char *text = p->body_plain;
        if (seq == 0 || seq == count - 1) {
            char number[SEQ_DIGITS + 2];
            snprintf(number, sizeof number, "%09ld", seq);
            memcpy(p->body_numbered, number, SEQ_DIGITS);
            text = p->body_numbered;
        }
        pn_data_t *body = pn_message_body(msg);
        pn_data_clear(body);
        pn_data_put_string(body, pn_bytes(p->opt.body_size, text));
        size_t size = p->buffer_size;
        int err;
        while ((err = pn_message_encode(msg, p->buffer, &size)) == PN_OVERFLOW) {
            grow_buffer(p, p->buffer_size * 2);
            size = p->buffer_size;
        }
        if (err) {
            fail(p, "pn_message_encode: %d", err);
            return;
        }
        uint64_t tag = p->tag++;
        pn_delivery_t *d = pn_delivery(link, pn_dtag((const char *)&tag, sizeof tag));
        pn_link_send(link, p->buffer, size);
        pn_link_advance(link);
        if (p->opt.presettled) pn_delivery_settle(d);
        p->sent++;
    }
    if (p->opt.presettled && p->sent == count) {
        finish_transfer(p);
        pn_connection_close(p->connection);
    }
}

static void outcome(peer_t *p, pn_delivery_t *d) {
    if (!pn_delivery_updated(d)) return;
    uint64_t state = pn_delivery_remote_state(d);
    bool terminal = state == PN_ACCEPTED || state == PN_REJECTED || state == PN_RELEASED || state == PN_MODIFIED;
    pn_delivery_clear(d);
    if (!terminal && !pn_delivery_settled(d)) return; /* received or another state on the way */
    if (state != PN_ACCEPTED) p->refused++;
    pn_delivery_settle(d);
    if (++p->settled == p->opt.count) {
        finish_transfer(p);
        pn_connection_close(p->connection);
    }
}

/* -- receiving ---------------------------------------------------------------------------------- */

static bool body_ok(peer_t *p, long seq, bool numbered) {
    pn_data_t *body = pn_message_body(p->message);
    pn_data_rewind(body);
    if (!pn_data_next(body) || pn_data_type(body) != PN_STRING) return false;
    pn_bytes_t text = pn_data_get_string(body);
    if (text.size != p->opt.body_size) return false;
    if (numbered) {
        char number[SEQ_DIGITS + 2];
        snprintf(number, sizeof number, "%09ld", seq);
        if (memcmp(text.start, number, SEQ_DIGITS) != 0) return false;
    }
    return true;
}

static void top_up(peer_t *p, pn_link_t *link) {
    int credit = pn_link_credit(link);
    if (credit < p->opt.prefetch) pn_link_flow(link, p->opt.prefetch - credit);
}

static void incoming(peer_t *p, pn_delivery_t *d) {
    pn_link_t *link = pn_delivery_link(d);
    if (pn_delivery_aborted(d)) {
        pn_delivery_settle(d);
        top_up(p, link);
        return;
    }
    if (!pn_delivery_readable(d) || pn_delivery_partial(d)) return;
    size_t size = pn_delivery_pending(d);
    grow_buffer(p, size);
    ssize_t n = pn_link_recv(link, p->buffer, size);
    pn_link_advance(link);
    long seq = p->received;
    if (seq == 0) p->t_first = wall_now();
    pn_message_clear(p->message);
    if (n <= 0 || pn_message_decode(p->message, p->buffer, (size_t)n) != 0 ||
        !body_ok(p, seq, seq == 0 || seq == p->opt.count - 1))
        p->bad++;
    if (!pn_delivery_settled(d)) pn_delivery_update(d, PN_ACCEPTED); /* presettled: only settle */
    pn_delivery_settle(d);
    p->received++;
    if (p->received == p->opt.count) {
        finish_transfer(p);
        if (p->opt.connect) pn_connection_close(p->connection);
    }
    top_up(p, link);
}

/* -- events ------------------------------------------------------------------------------------- */

static void condition_error(peer_t *p, const char *what, pn_condition_t *cond) {
    if (cond && pn_condition_is_set(cond))
        fail(p, "%s: %s: %s", what, pn_condition_get_name(cond),
             pn_condition_get_description(cond) ? pn_condition_get_description(cond) : "");
}

static void link_opened_remotely(peer_t *p, pn_link_t *link) {
    if (pn_link_state(link) & PN_LOCAL_UNINIT) {
        /* a link the peer opened (we listen): mirror its termini */
        pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
        pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
        if (pn_link_is_sender(link))
            pn_link_set_snd_settle_mode(link, p->opt.presettled ? PN_SND_SETTLED : PN_SND_UNSETTLED);
        pn_link_open(link);
        if (pn_link_is_receiver(link)) top_up(p, link);
    } else if (pn_link_is_receiver(link)) {
        emit_ready(p); /* connected as a receiver: the link is attached */
    }
    if (!p->link) p->link = link;
}

static void dispatch(peer_t *p) {
    pn_event_t *e;
    while ((e = pn_collector_peek(p->collector))) {
        switch (pn_event_type(e)) {
        case PN_CONNECTION_REMOTE_OPEN: {
            pn_connection_t *c = pn_event_connection(e);
            if (pn_connection_state(c) & PN_LOCAL_UNINIT) pn_connection_open(c);
            break;
        }
        case PN_SESSION_REMOTE_OPEN: {
            pn_session_t *s = pn_event_session(e);
            if (pn_session_state(s) & PN_LOCAL_UNINIT) pn_session_open(s);
            break;
        }
        case PN_LINK_REMOTE_OPEN:
            link_opened_remotely(p, pn_event_link(e));
            break;
        case PN_LINK_FLOW: {
            pn_link_t *link = pn_event_link(e);
            if (pn_link_is_sender(link)) send_messages(p, link);
            break;
        }
        case PN_DELIVERY: {
            pn_delivery_t *d = pn_event_delivery(e);
            if (pn_link_is_receiver(pn_delivery_link(d))) incoming(p, d);
            else outcome(p, d);
            break;
        }
        case PN_LINK_REMOTE_CLOSE: {
            pn_link_t *link = pn_event_link(e);
            condition_error(p, "link closed", pn_link_remote_condition(link));
            if (!(pn_link_state(link) & PN_LOCAL_CLOSED)) pn_link_close(link);
            break;
        }
        case PN_SESSION_REMOTE_CLOSE: {
            pn_session_t *s = pn_event_session(e);
            if (!(pn_session_state(s) & PN_LOCAL_CLOSED)) pn_session_close(s);
            break;
        }
        case PN_CONNECTION_REMOTE_CLOSE: {
            pn_connection_t *c = pn_event_connection(e);
            condition_error(p, "connection closed", pn_connection_remote_condition(c));
            if (!(pn_connection_state(c) & PN_LOCAL_CLOSED)) pn_connection_close(c);
            break;
        }
        case PN_TRANSPORT_ERROR:
            if (!p->done) condition_error(p, "transport", pn_transport_condition(pn_event_transport(e)));
            break;
        case PN_TRANSPORT_CLOSED:
            p->closed = true;
            break;
        default:
            break;
        }
        pn_collector_pop(p->collector);
    }
}

/* -- the loop ----------------------------------------------------------------------------------- */

static void progress_tick(peer_t *p) {
    if (p->opt.progress <= 0 || p->done) return;
    double now = wall_now();
    if (now < p->next_progress) return;
    p->next_progress = now + p->opt.progress;
    printf("{\"progress\": %ld, \"time\": %.6f}\n", p->received, now);
    fflush(stdout);
}

/* Writes what the transport has to send until the socket would block. */
static void flush_output(peer_t *p) {
    for (;;) {
        ssize_t pending = pn_transport_pending(p->transport);
        if (pending <= 0) return;
        ssize_t n = send(p->fd, pn_transport_head(p->transport), (size_t)pending, MSG_NOSIGNAL);
        if (n > 0) {
            pn_transport_pop(p->transport, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            if (!p->done) fail(p, "send: %s", strerror(errno));
            pn_transport_close_head(p->transport);
            return;
        }
    }
}

/* Reads once into the transport's tail; true when bytes (or the end of input) were taken in. */
static bool read_input(peer_t *p) {
    ssize_t capacity = pn_transport_capacity(p->transport);
    if (capacity <= 0) return false;
    ssize_t n = recv(p->fd, pn_transport_tail(p->transport), (size_t)capacity, 0);
    if (n > 0) {
        pn_transport_process(p->transport, (size_t)n);
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
    if (n < 0 && !p->done) fail(p, "recv: %s", strerror(errno));
    pn_transport_close_tail(p->transport);
    return true;
}

static void run_loop(peer_t *p) {
    while (!p->closed) {
        dispatch(p);
        flush_output(p);
        if (p->closed) break;
        if (pn_transport_pending(p->transport) < 0 && pn_transport_capacity(p->transport) < 0) break;
        if (read_input(p)) continue;
        progress_tick(p);
        /* nothing to read right now: wait for input, for room to write, or for a timer */
        pn_timestamp_t now = monotonic_ms();
        pn_timestamp_t deadline = pn_transport_tick(p->transport, now);
        int timeout = deadline ? (int)(deadline > now ? deadline - now : 0) : -1;
        if (p->opt.progress > 0 && !p->done && (timeout < 0 || timeout > (int)(p->opt.progress * 1000)))
            timeout = (int)(p->opt.progress * 1000);
        struct pollfd pfd = {.fd = p->fd, .events = 0};
        if (pn_transport_capacity(p->transport) > 0) pfd.events |= POLLIN;
        if (pn_transport_pending(p->transport) > 0) pfd.events |= POLLOUT;
        if (!pfd.events && timeout < 0) break; /* nothing can happen any more */
        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            fail(p, "poll: %s", strerror(errno));
            break;
        }
        if (pfd.revents & (POLLHUP | POLLERR) && !(pfd.revents & POLLIN)) {
            /* the peer went away: let read_input find the end of input or the error */
            if (!read_input(p)) pn_transport_close_tail(p->transport);
        }
    }
    dispatch(p);
}

/* -- set-up and the report ---------------------------------------------------------------------- */

static void start(peer_t *p) {
    char container[64];
    snprintf(container, sizeof container, "cpeer-%d", (int)getpid());
    p->connection = pn_connection();
    p->transport = pn_transport();
    p->collector = pn_collector();
    pn_connection_collect(p->connection, p->collector);
    pn_connection_set_container(p->connection, container);
    if (p->opt.listen) {
        p->fd = accept_one(p);
        pn_transport_set_server(p->transport); /* SASL or plain AMQP: the engine tells from the header */
        pn_transport_bind(p->transport, p->connection);
        return;
    }
    char host[256];
    p->fd = connect_to(p, host, sizeof host);
    pn_sasl_allowed_mechs(pn_sasl(p->transport), "ANONYMOUS"); /* as a Python Container connects */
    pn_connection_set_hostname(p->connection, host);
    pn_transport_bind(p->transport, p->connection);
    pn_connection_open(p->connection);
    pn_session_t *session = pn_session(p->connection);
    pn_session_open(session);
    char name[96];
    snprintf(name, sizeof name, "%s-%s", container, p->opt.sending ? "sender" : "receiver");
    pn_link_t *link;
    if (p->opt.sending) {
        link = pn_sender(session, name);
        pn_terminus_set_address(pn_link_target(link), p->opt.address);
        pn_link_set_snd_settle_mode(link, p->opt.presettled ? PN_SND_SETTLED : PN_SND_UNSETTLED);
    } else {
        link = pn_receiver(session, name);
        pn_terminus_set_address(pn_link_source(link), p->opt.address);
    }
    pn_link_open(link);
    if (!p->opt.sending) top_up(p, link);
    p->link = link;
}

static void report(peer_t *p) {
    if (!p->error[0]) {
        if (p->opt.sending && !p->done)
            fail(p, "sent %ld, %ld settled of %ld", p->sent, p->settled, p->opt.count);
        else if (!p->opt.sending && p->received != p->opt.count)
            fail(p, "received %ld of %ld messages", p->received, p->opt.count);
        else if (p->bad)
            fail(p, "%ld messages failed the body check", p->bad);
        else if (p->refused)
            fail(p, "%ld messages rejected or released", p->refused);
    }
    if (!p->done) p->cpu_end = cpu_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu_all = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("{\"role\": \"%s\", \"messages\": %ld, ", p->opt.sending ? "sender" : "receiver",
           p->opt.sending ? p->sent : p->received);
    if (p->opt.sending)
        printf("\"settled\": %ld, \"presettled\": %s, ", p->settled, p->opt.presettled ? "true" : "false");
    printf("\"seconds\": %.6f, \"t_first\": %.6f, \"t_last\": %.6f, \"cpu_run_seconds\": %.6f, "
           "\"body_bytes\": %zu, \"cpu_seconds\": %.6f, \"maxrss_kb\": %ld, ",
           p->t_last - p->t_first, p->t_first, p->t_last, p->cpu_end - p->cpu_start, p->opt.body_size, cpu_all,
           ru.ru_maxrss);
    char impl[128];
    snprintf(impl, sizeof impl, "Proton-C engine %d.%d.%d driven from C (bench/cpeer.c)", PN_VERSION_MAJOR,
             PN_VERSION_MINOR, PN_VERSION_POINT);
    printf("\"impl\": ");
    json_string(stdout, impl);
    printf(", \"error\": ");
    if (p->error[0]) json_string(stdout, p->error);
    else printf("null");
    printf("}\n");
    fflush(stdout);
}

static long parse_long(const char *text, const char *option) {
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0) die("%s: not a number: %s", option, text);
    return v;
}

static void parse(int argc, char **argv, options_t *o) {
    *o = (options_t){.address = "bench", .count = 200000, .prefetch = 10, .body_size = 100, .timeout = 300};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) die("%s needs a value", argv[i]);
        if (strcmp(argv[i], "--timeout") == 0) o->timeout = (int)parse_long(argv[i + 1], "--timeout");
        else die("unknown option %s", argv[i]);
    }
    if (i >= argc) die("give a command: send or receive");
    if (strcmp(argv[i], "send") == 0) o->sending = true;
    else if (strcmp(argv[i], "receive") != 0) die("unknown command %s (send or receive)", argv[i]);
    for (i++; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--presettled") == 0 && o->sending) {
            o->presettled = true;
            continue;
        }
        if (i + 1 >= argc) die("%s needs a value (or is not an option of this command)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--listen") == 0) o->listen = v;
        else if (strcmp(a, "--connect") == 0) o->connect = v;
        else if (strcmp(a, "--address") == 0) o->address = v;
        else if (strcmp(a, "--count") == 0) o->count = parse_long(v, a);
        else if (strcmp(a, "--prefetch") == 0 && !o->sending) o->prefetch = (int)parse_long(v, a);
        else if (strcmp(a, "--progress") == 0 && !o->sending) o->progress = atof(v);
        else if (strcmp(a, "--body") == 0) {
            if (strncmp(v, "str:", 4) != 0) die("--body %s: the C peer sends str:N bodies only", v);
            o->body_size = (size_t)parse_long(v + 4, a);
        } else die("unknown option %s", a);
    }
    if (!o->listen == !o->connect) die("give exactly one of --listen and --connect");
    if (o->count < 1) die("--count must be at least 1");
    if (o->prefetch < 1) die("--prefetch must be at least 1");
    if (o->body_size < SEQ_DIGITS) die("--body str:N needs N >= %d", SEQ_DIGITS);
}

int main(int argc, char **argv) {
    peer_t p = {0};
    parse(argc, argv, &p.opt);
    alarm((unsigned)(p.opt.timeout > 0 ? p.opt.timeout : 1)); /* a stuck run dies, as the workers do */
    signal(SIGPIPE, SIG_IGN);
    size_t n = p.opt.body_size;
    p.body_plain = malloc(n);
    p.body_numbered = malloc(n);
    if (!p.body_plain || !p.body_numbered) die("out of memory");
    for (size_t i = 0; i < n; i++) p.body_plain[i] = i < SEQ_DIGITS ? '9' : PAD[(i - SEQ_DIGITS) % (sizeof PAD - 1)];
    memcpy(p.body_numbered, p.body_plain, n);
    p.message = pn_message();
    grow_buffer(&p, n + 256);
    p.cpu_start = cpu_now();
    start(&p);
    run_loop(&p);
    report(&p);
    if (p.fd >= 0) close(p.fd);
    pn_transport_unbind(p.transport);
    pn_transport_free(p.transport);
    pn_connection_free(p.connection);
    pn_collector_free(p.collector);
    pn_message_free(p.message);
    free(p.buffer);
    free(p.body_plain);
    free(p.body_numbered);
    return p.error[0] ? 2 : 0;
}
