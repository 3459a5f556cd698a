package store

// schemaSuspend is 挂起 (a ticket waiting on the citizen, its clock stopped) and 签收超时
// (the sign-for deadline passed before accept), both of issue 4.
var schemaSuspend = `
ALTER TABLE tickets ADD COLUMN signfor_overdue BOOL_T NOT NULL DEFAULT FALSE_V;
ALTER TABLE tickets ADD COLUMN suspended_at BIGINT;
ALTER TABLE tickets ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';
-- The time-limit policy's word on pausing, fixed when the deadlines are set. Tickets set
-- before this migration take the default policy's: no pause when 紧急.
ALTER TABLE tickets ADD COLUMN pause_denied BOOL_T NOT NULL DEFAULT FALSE_V;
UPDATE tickets SET pause_denied = (urgency = 'urgent');
CREATE INDEX tickets_suspended ON tickets (suspended_at) WHERE suspended_at IS NOT NULL;
`
