package store

// schemaKB2 adds the editable city dictionary (城市词典) and knowledge-article attachments
// (issue 5).
//
// dictionary_words are the operators' own words (place names, department names, hotline
// terms) that the segmenter learns on top of gse's dictionary and the embedded citydict.txt.
//
// kb_attachments belong to the article, not to a version: a new version keeps them, and
// only an editor's explicit removal drops one (the row is deleted; the bytes stay, as they
// are content-addressed and may be shared with other attachments).
var schemaKB2 = `
CREATE TABLE dictionary_words (
	word TEXT PRIMARY KEY,
	frequency DOUBLE_T NOT NULL DEFAULT 0,
	pos TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX dictionary_words_created ON dictionary_words (created_at);

CREATE TABLE kb_attachments (
	id TEXT PRIMARY KEY,
	article_id TEXT NOT NULL REFERENCES kb_articles (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	path TEXT NOT NULL,
	uploaded_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX kb_attachments_article ON kb_attachments (article_id, created_at);
`
