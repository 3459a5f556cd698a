package store

// schemaDesk ties the web agent desk (受理台) to the call centre: a staff user's agent
// extension (坐席分机), so the desk knows which seat it shows and drives, and the calls a
// ticket was registered from (来电关联工单). A call is linked while it is still going on,
// before its CDR exists, so the link is its own table rather than a CDR column.
var schemaDesk = `
ALTER TABLE users ADD COLUMN agent_ext TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_agent_ext ON users (agent_ext) WHERE agent_ext <> '';

CREATE TABLE ticket_calls (
	ticket_number TEXT NOT NULL,
	call_id TEXT NOT NULL,
	linked_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (ticket_number, call_id)
);
CREATE INDEX ticket_calls_call ON ticket_calls (call_id);
`
