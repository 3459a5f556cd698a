// A real SMTP server (nodemailer's smtp-server) for the Go tests of internal/mail.
//
//   node smtp-server.js PORT CERT.pem KEY.pem USER PASS [implicit]
//
// PORT 0 picks a free port. Listens on 127.0.0.1 only, offers STARTTLS with the
// given certificate (or speaks TLS from the first byte with "implicit", as on
// port 465), and AUTH PLAIN/LOGIN only over TLS. Every event is
// one JSON line on stdout: {"event":"listening","port":N} first, then
// "auth", "rcpt" and "message" (with the raw message) for the test to assert on.
// Recipients starting with "tempfail" get 451, with "nouser" 550.
'use strict';
const fs = require('fs');
const { SMTPServer } = require('smtp-server');

const [port, certFile, keyFile, user, pass, mode] = process.argv.slice(2);
if (!port || !certFile || !keyFile || !user || !pass) {
  console.error('usage: node smtp-server.js PORT CERT KEY USER PASS');
  process.exit(2);
}
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const server = new SMTPServer({
  secure: mode === 'implicit',
  key: fs.readFileSync(keyFile),
  cert: fs.readFileSync(certFile),
  authMethods: ['PLAIN', 'LOGIN'],
  allowInsecureAuth: false,
  size: 10 * 1024 * 1024,
  logger: false,
  onAuth(auth, session, cb) {
    const ok = auth.username === user && auth.password === pass;
    emit({ event: 'auth', method: auth.method, user: auth.username, ok, secure: session.secure });
    if (!ok) return cb(new Error('Invalid username or password'));
    cb(null, { user: auth.username });
  },
  onRcptTo(address, session, cb) {
    emit({ event: 'rcpt', to: address.address });
    const local = address.address.split('@')[0];
    if (local.startsWith('tempfail')) {
      const err = new Error('Mailbox busy, try later');
      err.responseCode = 451;
      return cb(err);
    }
    if (local.startsWith('nouser')) {
      const err = new Error('No such user');
      err.responseCode = 550;
      return cb(err);
    }
    cb();
  },
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      emit({
        event: 'message',
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        user: session.user || null,
        secure: session.secure,
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      cb(null, 'Queued as ' + session.id);
    });
  },
});
server.on('error', (err) => emit({ event: 'error', message: String(err && err.message) }));
server.listen(Number(port), '127.0.0.1', () => {
  emit({ event: 'listening', port: server.server.address().port });
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
