package store

import "strings"

// The schema is written once with placeholders for the few types that differ, then rendered
// per dialect. New migrations are appended; released ones are never edited.
var schemaV1 = `
CREATE TABLE departments (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);

CREATE TABLE regions (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL,
	boundary TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_id);

CREATE TABLE categories (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	level INTEGER NOT NULL,
	fields TEXT,
	department_id TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	UNIQUE (parent_id, name)
);

CREATE TABLE citizens (
	id TEXT PRIMARY KEY,
	phone TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	other_phones TEXT,
	addresses TEXT,
	tags TEXT,
	blacklisted BOOL_T NOT NULL DEFAULT FALSE_V,
	blacklist_reason TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	ticket_count INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE ticket_daily_seq (
	day TEXT PRIMARY KEY,
	n INTEGER NOT NULL
);

CREATE TABLE tickets (
	id TEXT PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL,
	channel TEXT NOT NULL,
	request_type TEXT NOT NULL,
	category_id TEXT NOT NULL DEFAULT '',
	region_id TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	lat DOUBLE_T,
	lng DOUBLE_T,
	subject TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	citizen_id TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	citizen_name TEXT NOT NULL DEFAULT '',
	urgency TEXT NOT NULL,
	department_id TEXT NOT NULL DEFAULT '',
	parent_department_id TEXT NOT NULL DEFAULT '',
	handler_id TEXT NOT NULL DEFAULT '',
	co_departments TEXT,
	sign_deadline BIGINT,
	handle_deadline BIGINT,
	overdue BOOL_T NOT NULL DEFAULT FALSE_V,
	supervised BOOL_T NOT NULL DEFAULT FALSE_V,
	urge_count INTEGER NOT NULL DEFAULT 0,
	reopen_count INTEGER NOT NULL DEFAULT 0,
	pending_extension TEXT,
	reply TEXT NOT NULL DEFAULT '',
	satisfaction TEXT NOT NULL DEFAULT '',
	merged_into TEXT NOT NULL DEFAULT '',
	fields TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	closed_at BIGINT,
	version INTEGER NOT NULL
);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_state ON tickets (state, created_at);
CREATE INDEX tickets_department ON tickets (department_id, created_at);
CREATE INDEX tickets_parent_department ON tickets (parent_department_id) WHERE parent_department_id <> '';
CREATE INDEX tickets_category ON tickets (category_id, created_at);
CREATE INDEX tickets_region ON tickets (region_id, created_at);
CREATE INDEX tickets_channel ON tickets (channel, created_at);
CREATE INDEX tickets_citizen ON tickets (citizen_id, created_at);
CREATE INDEX tickets_phone ON tickets (phone);
CREATE INDEX tickets_deadline ON tickets (handle_deadline) WHERE handle_deadline IS NOT NULL;

-- 协办: which departments co-handle a ticket, for department-scoped queries.
CREATE TABLE ticket_co_departments (
	ticket_id TEXT NOT NULL REFERENCES tickets (id),
	department_id TEXT NOT NULL,
	PRIMARY KEY (ticket_id, department_id)
);
CREATE INDEX ticket_co_departments_dept ON ticket_co_departments (department_id);

-- 一事一档: the append-only history of every ticket.
CREATE TABLE ticket_events (
	id TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id),
	seq INTEGER NOT NULL,
	action TEXT NOT NULL,
	actor TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	from_state TEXT NOT NULL DEFAULT '',
	to_state TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	department_id TEXT NOT NULL DEFAULT '',
	data TEXT,
	attachments TEXT,
	at BIGINT NOT NULL,
	UNIQUE (ticket_id, seq)
);

CREATE TABLE attachments (
	id TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	path TEXT NOT NULL,
	uploaded_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	department_id TEXT NOT NULL DEFAULT '',
	phone_grant BOOL_T NOT NULL DEFAULT FALSE_V,
	disabled BOOL_T NOT NULL DEFAULT FALSE_V,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	role TEXT NOT NULL,
	department_id TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked BOOL_T NOT NULL DEFAULT FALSE_V
);

CREATE TABLE audit_log (
	id SERIAL_PK,
	at BIGINT NOT NULL,
	actor TEXT NOT NULL,
	role TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
`

func render(schema string, repl ...string) string {
	return strings.NewReplacer(repl...).Replace(schema)
}

// schemas lists the migrations in order. Append only; each may live in its own file.
var schemas = []string{schemaV1, schemaV2, schemaVoice, schemaSearch, schemaLists, schemaSuspend, schemaNotify, schemaDesk, schemaPhone, schemaKB2, schemaListsPhone, schemaListsRare, schemaSearchWeek,
	schemaLeanTicketIndexes, schemaSurveyRecipients, schemaLeanWrites}

var sqliteMigrations, postgresMigrations = renderAll()

func renderAll() (lite, pg []string) {
	for _, s := range schemas {
		lite = append(lite, render(s, "BOOL_T", "INTEGER", "FALSE_V", "0", "DOUBLE_T", "REAL",
			"SERIAL_PK", "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB_T", "BLOB"))
		pg = append(pg, render(s, "BOOL_T", "BOOLEAN", "FALSE_V", "FALSE", "DOUBLE_T", "DOUBLE PRECISION",
			"SERIAL_PK", "BIGSERIAL PRIMARY KEY", "BLOB_T", "BYTEA"))
	}
	return lite, pg
}
