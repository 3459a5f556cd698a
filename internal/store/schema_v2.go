package store

// schemaV2 is the working-time clock and the notification outbox (issue 4).
var schemaV2 = `
-- 时限计时器: one row per pending warning, overdue or supervision of a ticket. The scheduler
-- reads only the earliest unfired row (partial index), never the open tickets.
CREATE TABLE ticket_timers (
	id TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id),
	kind TEXT NOT NULL,
	due_at BIGINT NOT NULL,
	fired_at BIGINT,
	fired_by TEXT NOT NULL DEFAULT '',
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX ticket_timers_due ON ticket_timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX ticket_timers_ticket ON ticket_timers (ticket_id, kind);

-- 消息发件箱: every outgoing message, written in the transaction of the event that causes it.
CREATE TABLE outbox (
	id TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	recipient TEXT NOT NULL,
	template TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	ticket_id TEXT NOT NULL DEFAULT '',
	ticket_number TEXT NOT NULL DEFAULT '',
	idempotency_key TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	claimed_by TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	provider_id TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending', 'failed');
CREATE INDEX outbox_status ON outbox (status, created_at);
CREATE INDEX outbox_recipient ON outbox (recipient, template, created_at);

-- 节假日: days an administrator entered (next year's State Council notice, corrections).
CREATE TABLE calendar_days (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

-- Configuration documents (working periods, time-limit rules, message templates) as JSON,
-- one row per key, so an administrator's edit is one row and needs no migration.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
`
