package store

// schemaLeanTicketIndexes makes a PostgreSQL registration write two fewer index entries.
//   - One index on number instead of two: the UNIQUE constraint's and the text_pattern_ops
//     one for number prefixes (schemaLists). A unique text_pattern_ops index serves both:
//     its equality is the same byte equality, and it reads LIKE prefixes as a range.
//   - The words index (schemaSearchWeek) holds only tickets that have words. A ticket
//     waiting for its words (registered in a burst or before any search: search_dict '')
//     matches no word anyway, but every row had at least its week lexeme in the index.
//     The search states the same condition, so the planner uses the partial index.
//
// Rebuilding the two at 1 M tickets takes about 2 minutes, with writes to tickets blocked.
var schemaLeanTicketIndexes = `
-- dialect: postgres
CREATE UNIQUE INDEX tickets_number ON tickets (number text_pattern_ops);
ALTER TABLE tickets DROP CONSTRAINT tickets_number_key;
DROP INDEX tickets_number_prefix;
CREATE INDEX tickets_words_week ON tickets USING gin ((search || array_to_tsvector(ARRAY['@w' || (created_at / 604800000)::text]))) WHERE search_dict <> '';
DROP INDEX tickets_search_week;
ANALYZE tickets;
`
