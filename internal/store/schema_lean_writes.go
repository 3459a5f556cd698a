package store

// schemaLeanWrites drops index entries that registering a ticket wrote and nothing read:
//   - audit_log_at: the audit log is listed by id (newest first), never by time.
//   - outbox_status held every message by (status, created_at), the receipt SMS of each
//     registration among them. A list by status reads queued messages through outbox_due
//     and sent ones newest first through the primary key; sending, failed and dead ones,
//     few and what an operator looks into, get a partial index of their own in the list's
//     order, which a queued message enters only when it is claimed.
//   - PostgreSQL, the unique index on the outbox's idempotency key: a message with a key now
//     takes its id from the key (outboxID), so the primary key refuses a second one.
//     SQLite keeps the index, part of its table definition.
var schemaLeanWrites = `
-- dialect: all
DROP INDEX audit_log_at;
CREATE INDEX outbox_trouble ON outbox (id) WHERE status IN ('sending', 'failed', 'dead');
DROP INDEX outbox_status;
-- dialect: postgres
ALTER TABLE outbox DROP CONSTRAINT outbox_idempotency_key_key;
`
