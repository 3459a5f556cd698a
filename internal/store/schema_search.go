package store

import "strings"

// schemaSearch is full-text search over tickets and knowledge articles, the knowledge base
// (知识库) and the stored dispatch-suggestion models (issue 5; docs/text-search.md).
//
// The application segments text in Go (internal/textseg) and writes the words, space
// separated, into *_tokens columns of the same row; the database indexes those columns:
// an external-content FTS5 table kept in step by triggers on SQLite, a generated tsvector
// with a GIN index on PostgreSQL. search_dict records the dictionary version the row was
// segmented with (” = not yet: imported and seeded rows, rows from before this migration);
// hotline search reindex re-segments those.
//
// The FTS DDL differs per database, so this migration has dialect sections (see
// pickDialect below): lines after "-- dialect: sqlite" go to SQLite only, after
// "-- dialect: postgres" to PostgreSQL only, after "-- dialect: all" to both.
var schemaSearch = `
ALTER TABLE tickets ADD COLUMN subject_tokens TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN body_tokens TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN address_tokens TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN search_dict TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_search_dict ON tickets (search_dict);

-- 知识库: one row per article, its current version; every saved version in kb_versions.
CREATE TABLE kb_articles (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	category_id TEXT NOT NULL DEFAULT '',
	keywords TEXT NOT NULL DEFAULT '[]',
	answers TEXT NOT NULL DEFAULT '[]',
	departments TEXT NOT NULL DEFAULT '[]',
	valid_from BIGINT,
	valid_to BIGINT,
	public BOOL_T NOT NULL DEFAULT FALSE_V,
	state TEXT NOT NULL,
	version INTEGER NOT NULL,
	published_version INTEGER NOT NULL DEFAULT 0,
	views INTEGER NOT NULL DEFAULT 0,
	uses INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL DEFAULT '',
	reviewed_by TEXT NOT NULL DEFAULT '',
	review_note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	published_at BIGINT,
	title_tokens TEXT NOT NULL DEFAULT '',
	keywords_tokens TEXT NOT NULL DEFAULT '',
	body_tokens TEXT NOT NULL DEFAULT ''
);
CREATE INDEX kb_articles_updated ON kb_articles (updated_at);
CREATE INDEX kb_articles_uses ON kb_articles (uses);
CREATE INDEX kb_articles_state ON kb_articles (state, updated_at);

CREATE TABLE kb_versions (
	article_id TEXT NOT NULL REFERENCES kb_articles (id),
	version INTEGER NOT NULL,
	state TEXT NOT NULL,
	snapshot TEXT NOT NULL,
	by_user TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,
	PRIMARY KEY (article_id, version, state)
);

-- 智能派单: trained models, newest used; old ones kept for a few rounds.
CREATE TABLE suggest_models (
	id SERIAL_PK,
	trained_at BIGINT NOT NULL,
	examples INTEGER NOT NULL,
	model BLOB_T NOT NULL
);

-- dialect: sqlite
CREATE VIRTUAL TABLE ticket_search USING fts5(
	subject_tokens, body_tokens, address_tokens,
	content = 'tickets', content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER tickets_search_ai AFTER INSERT ON tickets BEGIN
	INSERT INTO ticket_search(rowid, subject_tokens, body_tokens, address_tokens)
	VALUES (new.rowid, new.subject_tokens, new.body_tokens, new.address_tokens);
END;
CREATE TRIGGER tickets_search_ad AFTER DELETE ON tickets BEGIN
	INSERT INTO ticket_search(ticket_search, rowid, subject_tokens, body_tokens, address_tokens)
	VALUES ('delete', old.rowid, old.subject_tokens, old.body_tokens, old.address_tokens);
END;
CREATE TRIGGER tickets_search_au AFTER UPDATE OF subject_tokens, body_tokens, address_tokens ON tickets BEGIN
	INSERT INTO ticket_search(ticket_search, rowid, subject_tokens, body_tokens, address_tokens)
	VALUES ('delete', old.rowid, old.subject_tokens, old.body_tokens, old.address_tokens);
	INSERT INTO ticket_search(rowid, subject_tokens, body_tokens, address_tokens)
	VALUES (new.rowid, new.subject_tokens, new.body_tokens, new.address_tokens);
END;
INSERT INTO ticket_search(ticket_search) VALUES ('rebuild');

CREATE VIRTUAL TABLE kb_search USING fts5(
	title_tokens, keywords_tokens, body_tokens,
	content = 'kb_articles', content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER kb_search_ai AFTER INSERT ON kb_articles BEGIN
	INSERT INTO kb_search(rowid, title_tokens, keywords_tokens, body_tokens)
	VALUES (new.rowid, new.title_tokens, new.keywords_tokens, new.body_tokens);
END;
CREATE TRIGGER kb_search_ad AFTER DELETE ON kb_articles BEGIN
	INSERT INTO kb_search(kb_search, rowid, title_tokens, keywords_tokens, body_tokens)
	VALUES ('delete', old.rowid, old.title_tokens, old.keywords_tokens, old.body_tokens);
END;
CREATE TRIGGER kb_search_au AFTER UPDATE OF title_tokens, keywords_tokens, body_tokens ON kb_articles BEGIN
	INSERT INTO kb_search(kb_search, rowid, title_tokens, keywords_tokens, body_tokens)
	VALUES ('delete', old.rowid, old.title_tokens, old.keywords_tokens, old.body_tokens);
	INSERT INTO kb_search(rowid, title_tokens, keywords_tokens, body_tokens)
	VALUES (new.rowid, new.title_tokens, new.keywords_tokens, new.body_tokens);
END;

-- dialect: postgres
ALTER TABLE tickets ADD COLUMN search tsvector GENERATED ALWAYS AS (
	   setweight(to_tsvector('simple', subject_tokens), 'A')
	|| setweight(to_tsvector('simple', address_tokens), 'B')
	|| setweight(to_tsvector('simple', body_tokens), 'C')) STORED;
CREATE INDEX tickets_search ON tickets USING gin (search);
ALTER TABLE kb_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
	   setweight(to_tsvector('simple', title_tokens), 'A')
	|| setweight(to_tsvector('simple', keywords_tokens), 'B')
	|| setweight(to_tsvector('simple', body_tokens), 'C')) STORED;
CREATE INDEX kb_articles_search ON kb_articles USING gin (search);
`

// pickDialect keeps the lines of a rendered migration that belong to one database. A
// migration without "-- dialect:" markers is returned unchanged.
func pickDialect(sql, name string) string {
	if !strings.Contains(sql, "-- dialect:") {
		return sql
	}
	var b strings.Builder
	keep := true
	for _, line := range strings.SplitAfter(sql, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- dialect:"); ok {
			d := strings.TrimSpace(rest)
			keep = d == "all" || d == name
			continue
		}
		if keep {
			b.WriteString(line)
		}
	}
	return b.String()
}

// The rendered migrations (schema.go) are filtered per database once, before any Store is
// opened; the dialects share these slices' arrays.
func init() {
	for i := range sqliteMigrations {
		sqliteMigrations[i] = pickDialect(sqliteMigrations[i], "sqlite")
	}
	for i := range postgresMigrations {
		postgresMigrations[i] = pickDialect(postgresMigrations[i], "postgres")
	}
}
