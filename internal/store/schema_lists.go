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
