// SPDX-License-Identifier: Apache-2.0
// Copyright (c) 2026 the cyproton authors
//
// rhea_broker.js: a small in-memory AMQP 1.0 broker on rhea (npm), an AMQP implementation that shares no code
// with proton. One queue per address; a message is accepted on arrival and leaves its queue when sent to a
// consumer, within the consumer's credit, pre-settled if the consumer asked for at-most-once. A consumer that
// drains gets what is queued and the rest of its credit back. rhea decodes every message into JavaScript
// values and encodes them again when it forwards them (see tests/interop/programs/messages.py, kind "rhea").
//
// Env: RHEA_HOST (127.0.0.1; "::1" for IPv6)  RHEA_PORT (5830)  RHEA_ANON=1 (also allow SASL ANONYMOUS)
//      CERTS_DIR (TLS with server.crt/server.key from make_certs.sh)  RHEA_REQUIRE_CLIENT_CERT=1 (signed by ca.crt)
// Users (SASL PLAIN): alice / alice-secret. Prints "LISTENING host port pid N" when ready, then one line per
// connection.
'use strict';
const fs = require('fs');
const rhea = require('rhea');

const host = process.env.RHEA_HOST || '127.0.0.1';
const port = Number(process.env.RHEA_PORT || 5830);
const certs = process.env.CERTS_DIR;

const queues = new Map();     // address -> [message]
const consumers = new Map();  // address -> [sender]
const list = (map, key) => { if (!map.has(key)) map.set(key, []); return map.get(key); };

const container = rhea.create_container({id: 'rhea-broker'});
container.sasl_server_mechanisms.enable_plain((user, password) => user === 'alice' && password === 'alice-secret');
if (process.env.RHEA_ANON === '1') container.sasl_server_mechanisms.enable_anonymous();

// rhea counts credit (and delivery-count) when it writes a transfer, not when send() queues it: keep what is
// queued in rhea within the consumer's credit, so that messages stay in our queue until a consumer can take them.
// A drain advances delivery-count past what was sent (the credit given back): then count from there.
function unwritten(sender) {
  if (sender.delivery_count > sender.sends) sender.sends = sender.delivery_count;
  return sender.sends - sender.delivery_count;
}

function pump(address) {
  const queue = list(queues, address);
  for (const sender of list(consumers, address)) {
    while (queue.length && sender.credit - unwritten(sender) > 0) {
      sender.send(queue.shift());
      sender.sends++;
    }
    if (!queue.length) {
      if (unwritten(sender) === 0) {
        sender.set_drained(true);        // answers a drain, if the consumer asked for one
        sender.connection._register();   // rhea writes that flow only when told there is work
      } else {
        setTimeout(pump, 1, address);    // answer a drain after what was sent is written
      }
    }
  }
}

container.on('connection_open', ctx => {
  console.log('connection from', ctx.connection.remote.open.container_id);
});
container.on('sender_open', ctx => {            // a consumer: the client's receiver
  const sender = ctx.sender;
  const address = sender.source.address;
  sender.set_source({address});
  sender.local.attach.snd_settle_mode = sender.snd_settle_mode;   // at-most-once if the consumer asks for it
  sender.sends = 0;
  list(consumers, address).push(sender);
});
container.on('receiver_open', ctx => {          // a producer: the client's sender
  ctx.receiver.set_target({address: ctx.receiver.target.address});
});
// Deferred: a consumer's first flow often arrives with its attach, and rhea would write a transfer sent from
// this event before the attach it answers with (the client then fails with "no such handle").
container.on('sendable', ctx => setImmediate(pump, ctx.sender.source.address));
container.on('sender_draining', ctx => setImmediate(pump, ctx.sender.source.address));
container.on('message', ctx => {
  const address = ctx.receiver.target.address || ctx.message.to;
  list(queues, address).push(ctx.message);
  pump(address);
});
function forget(link) {
  for (const senders of consumers.values()) {
    const i = senders.indexOf(link);
    if (i >= 0) senders.splice(i, 1);
  }
}
container.on('sender_close', ctx => forget(ctx.sender));
container.on('disconnected', ctx => {
  for (const senders of consumers.values()) {
    for (let i = senders.length - 1; i >= 0; i--) if (senders[i].connection === ctx.connection) senders.splice(i, 1);
  }
});
container.on('error', err => console.log('error', err && err.message));

const options = {host, port};
if (certs) {
  Object.assign(options, {
    transport: 'tls', key: fs.readFileSync(certs + '/server.key'), cert: fs.readFileSync(certs + '/server.crt'),
    ca: fs.readFileSync(certs + '/ca.crt'),
    requestCert: process.env.RHEA_REQUIRE_CLIENT_CERT === '1',
    rejectUnauthorized: process.env.RHEA_REQUIRE_CLIENT_CERT === '1',
  });
}
const server = container.listen(options);
server.on('listening', () => console.log('LISTENING', host, port, 'pid', process.pid));
server.on('error', err => { console.error('rhea_broker.js: cannot listen:', err.message); process.exit(1); });
process.on('SIGTERM', () => process.exit(0));
