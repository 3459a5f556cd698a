package store

// schemaLists serves ticket list filters the first indexes did not.
//
// PostgreSQL: a number prefix (`number LIKE '2026112%'`, the digits a caller types) cannot
// use the UNIQUE index on number under a linguistic collation, so "digits" searches (number
// prefix or phone) walked the table; text_pattern_ops compares bytes and serves LIKE
// prefixes. SQLite already reads the prefix as a range of the number index.
var schemaLists = `
-- dialect: postgres
CREATE INDEX tickets_number_prefix ON tickets (number text_pattern_ops);
`

// schemaListsPhone serves a caller's tickets newest first (phone searches, the screen pop's
// history): the phone index carries created_at, so a repeat caller's newest page is read
// in order instead of sorting all their tickets.
var schemaListsPhone = `
CREATE INDEX tickets_phone_created ON tickets (phone, created_at);
DROP INDEX tickets_phone;
`

// schemaListsRare serves list filters that match few of the newest tickets, where walking
// the created index newest first skips every ticket that does not match (1 M tickets with
// 116 k fresh registrations on top: urgent and overdue p95 73–77 ms on SQLite).
//   - urgency: its own index in created order, on both databases.
//   - overdue: flagged tickets in created order, and the tickets whose clock runs
//     (ticket.ClockStates) by deadline, for those the scheduler has not flagged yet;
//     ListTickets reads the two and merges. The predicates are written as the list
//     writes them (TRUE/FALSE on both databases) so either planner may use the indexes.
var schemaListsRare = `
-- dialect: all
CREATE INDEX tickets_urgency ON tickets (urgency, created_at);
CREATE INDEX tickets_overdue ON tickets (created_at, id) WHERE overdue = TRUE;
CREATE INDEX tickets_clock_deadline ON tickets (handle_deadline) WHERE overdue = FALSE AND state IN ('dispatched', 'processing') AND suspended_at IS NULL;
`
