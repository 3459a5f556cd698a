// A real SMPP 3.4 message centre (the npm `smpp` package's server) for the Go
// tests of internal/smpp.
//
//   node smpp-server.js PORT [SYSTEM_ID PASSWORD]
//
// PORT 0 picks a free port. Listens on 127.0.0.1. Accepts bind_transceiver
// with the given credentials (default hotline/secret), answers submit_sm with
// message ids and, when registered_delivery asks, sends a delivery receipt.
// Destinations starting 100 get ESME_RTHROTTLED, 101 ESME_RINVDSTADR, and for
// 102 the second part of a long text is throttled once. For 103 the MC takes the
// message but its receipt says stat:UNDELIV err:001 (the handset never got it);
// for 104 only the last part of a long text is undeliverable.
//
// Every event is one JSON line on stdout ({"event":"listening","port":N}
// first). Commands arrive as JSON lines on stdin:
//   {"cmd":"mo","from":"13800138000","to":"12345","text":"1"}   push an MO deliver_sm
//   {"cmd":"mo","from":...,"to":...,"parts":["前半","后半"]}      the same, concatenated (UDH)
//   {"cmd":"delay","ms":200}     hold every submit_sm_resp this long
//   {"cmd":"enquire_link"}       probe the client
//   {"cmd":"unknown"}            send a PDU with an unknown command id
//   {"cmd":"drop"}               cut every connection
'use strict';
const readline = require('readline');
const smpp = require('smpp');

const [port, systemId = 'hotline', password = 'secret'] = process.argv.slice(2);
if (port === undefined) {
  console.error('usage: node smpp-server.js PORT [SYSTEM_ID PASSWORD]');
  process.exit(2);
}
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const sessions = new Set();
let nextId = 1;
let delayMs = 0;
let inflight = 0;
let moRef = 1;
const throttledOnce = new Set();

const text = (v) => (v && typeof v === 'object' && !Buffer.isBuffer(v) ? v.message : v);
const udhHex = (v) =>
  v && v.udh ? Buffer.concat(v.udh).toString('hex') : '';
const pad = (n) => String(n).padStart(2, '0');
const smppDate = (d) =>
  `${pad(d.getFullYear() % 100)}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}`;

const server = smpp.createServer((session) => {
  sessions.add(session);
  let bound = false;
  session.on('close', () => {
    sessions.delete(session);
    emit({ event: 'close' });
  });
  session.on('error', (e) => emit({ event: 'error', message: String(e && e.message) }));

  session.on('bind_transceiver', (pdu) => {
    const ok = pdu.system_id === systemId && pdu.password === password;
    emit({ event: 'bind', system_id: pdu.system_id, interface_version: pdu.interface_version, ok });
    if (!ok) {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      return;
    }
    bound = true;
    session.send(pdu.response({ system_id: 'test-mc' }));
  });

  session.on('submit_sm', (pdu) => {
    if (!bound) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    inflight++;
    const ev = {
      event: 'submit_sm',
      sequence: pdu.sequence_number,
      source_addr: pdu.source_addr,
      destination_addr: pdu.destination_addr,
      data_coding: pdu.data_coding,
      esm_class: pdu.esm_class,
      registered_delivery: pdu.registered_delivery,
      udh: udhHex(pdu.short_message),
      message: text(pdu.short_message),
      inflight,
    };
    let status = smpp.ESME_ROK;
    if (pdu.destination_addr.startsWith('100')) status = smpp.ESME_RTHROTTLED;
    if (pdu.destination_addr.startsWith('101')) status = smpp.ESME_RINVDSTADR;
    // 102…: the second part of a concatenated text is throttled the first time it comes
    const part = ev.udh.length === 10 ? ev.destination_addr + ':' + ev.udh : '';
    if (pdu.destination_addr.startsWith('102') && part.endsWith('02') && !throttledOnce.has(part)) {
      throttledOnce.add(part);
      status = smpp.ESME_RTHROTTLED;
    }
    const id = status === smpp.ESME_ROK ? 'mc' + nextId++ : '';
    ev.message_id = id;
    ev.command_status = status;
    emit(ev);
    setTimeout(() => {
      inflight--;
      session.send(pdu.response(status === smpp.ESME_ROK ? { message_id: id } : { command_status: status }));
      if (status !== smpp.ESME_ROK || !(pdu.registered_delivery & 1)) return;
      const last = ev.udh.length !== 10 || ev.udh.slice(6, 8) === ev.udh.slice(8, 10); // udh: 00 03 ref total part
      const undeliverable = pdu.destination_addr.startsWith('103') || (pdu.destination_addr.startsWith('104') && last);
      const [stat, err, state, dlvrd] = undeliverable
        ? ['UNDELIV', '001', smpp.MESSAGE_STATE.UNDELIVERABLE, '000']
        : ['DELIVRD', '000', smpp.MESSAGE_STATE.DELIVERED, '001'];
      setTimeout(() => {
        const now = new Date();
        const receipt = `id:${id} sub:001 dlvrd:${dlvrd} submit date:${smppDate(now)} done date:${smppDate(now)} stat:${stat} err:${err} text:`;
        session.deliver_sm(
          {
            source_addr: pdu.destination_addr,
            destination_addr: pdu.source_addr,
            esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
            short_message: receipt,
            receipted_message_id: id,
            message_state: state,
          },
          (resp) => emit({ event: 'deliver_sm_resp', kind: 'receipt', message_id: id, stat, command_status: resp.command_status })
        );
      }, 10);
    }, delayMs);
  });

  session.on('enquire_link', (pdu) => {
    emit({ event: 'enquire_link' });
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    emit({ event: 'unbind' });
    session.send(pdu.response());
    session.close();
  });
  session.on('generic_nack', (pdu) => {
    emit({ event: 'generic_nack', sequence: pdu.sequence_number, command_status: pdu.command_status });
  });
  session.on('unknown', (pdu) => {
    emit({ event: 'unknown', command_id: pdu.command_id });
    session.send(pdu.response());
  });
});

function pushMO(cmd) {
  const parts = cmd.parts || [cmd.text];
  const ref = moRef++ & 0xff;
  parts.forEach((part, i) => {
    const msg = parts.length > 1
      ? { udh: Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]), message: part }
      : part;
    for (const s of sessions) {
      s.deliver_sm(
        { source_addr: cmd.from, destination_addr: cmd.to, data_coding: 8, short_message: msg },
        (resp) => emit({ event: 'deliver_sm_resp', kind: 'mo', part: i + 1, command_status: resp.command_status })
      );
    }
  });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    emit({ event: 'bad_command', line });
    return;
  }
  switch (cmd.cmd) {
    case 'mo':
      pushMO(cmd);
      break;
    case 'delay':
      delayMs = cmd.ms;
      emit({ event: 'delay', ms: delayMs });
      break;
    case 'enquire_link':
      for (const s of sessions) s.enquire_link({}, (resp) => emit({ event: 'enquire_link_resp', command_status: resp.command_status }));
      break;
    case 'unknown':
      for (const s of sessions) {
        const b = Buffer.alloc(16);
        b.writeUInt32BE(16, 0);
        b.writeUInt32BE(0x00000111, 4);
        b.writeUInt32BE(0, 8);
        b.writeUInt32BE(77, 12);
        s.socket.write(b);
      }
      break;
    case 'drop':
      for (const s of sessions) s.destroy();
      emit({ event: 'dropped' });
      break;
    default:
      emit({ event: 'bad_command', line });
  }
});

server.listen(Number(port), '127.0.0.1', () => emit({ event: 'listening', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
