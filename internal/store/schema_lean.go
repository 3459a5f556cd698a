package store

// schemaLeanTicketIndexes makes a registration write fewer index entries.
//   - Pending tickets only: the index that finds tickets waiting for their words held every
//     ticket (search_dict, the version of its words), but it was only ever asked for the
//     pending ones (empty; the other versions are read with <>, which no index serves). Kept in
//     created order, so the indexer takes the oldest first and stops after its batch.
//   - PostgreSQL, one index on number instead of two: the UNIQUE constraint's and the
//     text_pattern_ops one for number prefixes (schemaLists). A unique text_pattern_ops index
//     serves both: its equality is the same byte equality, and it reads LIKE prefixes as a
//     range.
//   - PostgreSQL, the words index (schemaSearchWeek) holds only tickets that have words. A
//     pending ticket matches no word anyway, but every row had at least its week lexeme in
//     the index. The search states the same condition, so the planner uses the partial index.
//
// Rebuilding these at 1 M tickets takes about 2 minutes, with writes to tickets blocked.
var schemaLeanTicketIndexes = `
-- dialect: all
CREATE INDEX tickets_words_pending ON tickets (created_at) WHERE search_dict = '';
DROP INDEX tickets_search_dict;
-- dialect: postgres
CREATE UNIQUE INDEX tickets_number ON tickets (number text_pattern_ops);
ALTER TABLE tickets DROP CONSTRAINT tickets_number_key;
DROP INDEX tickets_number_prefix;
CREATE INDEX tickets_words_week ON tickets USING gin ((search || array_to_tsvector(ARRAY['@w' || (created_at / 604800000)::text]))) WHERE search_dict <> '';
DROP INDEX tickets_search_week;
ANALYZE tickets;
`
