package store

// schemaNotify gives departments an e-mail address for their notifications, and records SMS
// delivery receipts (短信状态报告) on the outbox (issue 4, item 6).
// outbox_receipts has one row per message id the MC gave in submit_sm_resp, that is one per
// part of a long text; the receipt and the send's outcome may reach the database in either
// order (the MC can report before the worker has recorded the send), and whichever comes
// second completes the row. The outbox row carries the summary of its parts' receipts.
var schemaNotify = `
ALTER TABLE departments ADD COLUMN email TEXT NOT NULL DEFAULT '';

ALTER TABLE outbox ADD COLUMN delivery_status TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN delivery_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN delivery_at BIGINT;

CREATE TABLE outbox_receipts (
	message_id TEXT PRIMARY KEY,
	outbox_id TEXT NOT NULL DEFAULT '',
	part INTEGER NOT NULL DEFAULT 0,
	parts INTEGER NOT NULL DEFAULT 0,
	stat TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	done_at BIGINT,
	received_at BIGINT
);
CREATE INDEX outbox_receipts_outbox ON outbox_receipts (outbox_id);
`
