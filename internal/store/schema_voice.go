package store

// schemaVoice is the call centre's data (issue 3): agents (坐席), hotline numbers, the
// blacklist (黑名单), call detail records (话单) and the agents' state history.
//
// Agents' SIP passwords are stored as entered: SIP digest (RFC 2617/8760) needs the
// password, or HA1 = MD5(ext:realm:password) which is just as good to an attacker and would
// tie the rows to one realm and one hash. So this table is credential material: keep the
// database as private as the SIP server itself. The web login passwords stay hashed in users.
var schemaVoice = `
CREATE TABLE voice_agents (
	ext TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sip_password TEXT NOT NULL,
	skills TEXT NOT NULL,
	seat_order INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'signed-out',
	state_at BIGINT NOT NULL DEFAULT 0,
	signed_in BOOL_T NOT NULL DEFAULT FALSE_V,
	requested_state TEXT NOT NULL DEFAULT '',
	requested_seq INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE voice_agent_states (
	id SERIAL_PK,
	ext TEXT NOT NULL,
	state TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX voice_agent_states_ext ON voice_agent_states (ext, at);

CREATE TABLE voice_numbers (
	number TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	queue TEXT NOT NULL DEFAULT '',
	skill_group TEXT NOT NULL DEFAULT '',
	greeting TEXT NOT NULL DEFAULT '',
	route TEXT,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);

CREATE TABLE voice_blacklist (
	number TEXT PRIMARY KEY,
	prefix BOOL_T NOT NULL DEFAULT FALSE_V,
	until_at BIGINT,
	reason TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

CREATE TABLE voice_cdrs (
	call_id TEXT PRIMARY KEY,
	direction TEXT NOT NULL DEFAULT '',
	caller TEXT NOT NULL,
	called TEXT NOT NULL,
	start_at BIGINT NOT NULL,
	period TEXT NOT NULL DEFAULT '',
	ivr_path TEXT,
	ivr_vars TEXT,
	queue TEXT NOT NULL DEFAULT '',
	enqueued_at BIGINT,
	wait_ms BIGINT NOT NULL DEFAULT 0,
	agent TEXT NOT NULL DEFAULT '',
	answered_at BIGINT,
	end_at BIGINT NOT NULL,
	talk_seconds INTEGER NOT NULL DEFAULT 0,
	hangup_side TEXT NOT NULL DEFAULT '',
	hangup_reason TEXT NOT NULL DEFAULT '',
	abandoned BOOL_T NOT NULL DEFAULT FALSE_V,
	blocked BOOL_T NOT NULL DEFAULT FALSE_V,
	recording_path TEXT NOT NULL DEFAULT '',
	voicemail_path TEXT NOT NULL DEFAULT '',
	forwarded TEXT NOT NULL DEFAULT '',
	transfers TEXT,
	called_back_at BIGINT,
	called_back_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX voice_cdrs_start ON voice_cdrs (start_at);
CREATE INDEX voice_cdrs_caller ON voice_cdrs (caller, start_at);
CREATE INDEX voice_cdrs_agent ON voice_cdrs (agent, start_at);
`
