package store

// schemaPhone is the centre's number-place table (号码归属地): prefixes of digits (7-digit
// mobile blocks, area codes) and the place each belongs to, loaded by the centre from its
// carriers' data (hotline phones import); shown on the agent desk's screen pop.
var schemaPhone = `
CREATE TABLE phone_regions (
	prefix TEXT PRIMARY KEY,
	region TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);
`
