package store

// Bulk writes for the benchmark seeder (hotline bench seed): many rows per statement inside
// the caller's transaction, so a million tickets load in about a minute. They skip nothing
// the per-row path checks in the database (keys, uniqueness); the caller builds valid rows.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/jackc/pgx/v5"
)

// placeholders returns "($1, $2), ($3, $4)…" for rows of cols values, or "(?, ?), (?, ?)…"
// for SQLite, which looks numbered parameters up by a linear scan: with thousands of them
// in one statement that scan, not the insert, took nearly all the time.
func placeholders(rows, cols int, anonymous bool) string {
	var b strings.Builder
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			if anonymous {
				b.WriteByte('?')
				continue
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Column types of the bulk-loaded tables on PostgreSQL, in column order.
var (
	ticketTypes  = strings.Fields(`text text text text text text text text float8 float8 text text text text text text text text text text int8 int8 bool bool int4 int4 text text text text text int8 int8 int8 int4 bool int8 text bool`)
	eventTypes   = strings.Fields(`text text int4 text text text text text text text text text int8`)
	citizenTypes = strings.Fields(`text text text text text text bool text text int4 int8 int8`)
)

// bulkInsertTyped inserts rows of columns of these PostgreSQL types. PostgreSQL gets one
// statement with one array per column (INSERT … SELECT FROM unnest): thousands of separate
// parameters cost more to send and bind than the insert itself. SQLite gets bulkInsert.
func (tx *Tx) bulkInsertTyped(ctx context.Context, table, columns string, types []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.s.dialect.name == "postgres" {
		return tx.bulkInsertArrays(ctx, table, columns, types, rows)
	}
	return tx.bulkInsert(ctx, table, columns, len(types), rows)
}

// bulkInsert inserts rows in statements of about 5 000 values (SQLite's limit is 32 766),
// the full-size one prepared once.
func (tx *Tx) bulkInsert(ctx context.Context, table, columns string, cols int, rows [][]any) error {
	per := 5000 / cols
	sqlite := tx.s.dialect.name == "sqlite"
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*cols)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		q := `INSERT INTO ` + table + ` (` + columns + `) VALUES ` + placeholders(n, cols, sqlite)
		var err error
		if n == per {
			if full == nil {
				var c txConn
				if c, err = tx.raw(ctx); err == nil {
					full, err = c.PrepareContext(ctx, q)
				}
				if err != nil {
					return fmt.Errorf("store: bulk insert %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.exec(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("store: bulk insert %s: %w", table, tx.s.dialect.mapErr(err))
		}
		rows = rows[n:]
	}
	return nil
}

func (tx *Tx) bulkInsertArrays(ctx context.Context, table, columns string, types []string, rows [][]any) error {
	arrays := make([]any, len(types))
	sel := make([]string, len(types))
	for c := range types {
		col := make([]*string, len(rows))
		for i, r := range rows {
			col[i] = textValue(r[c])
		}
		arrays[c] = col
		sel[c] = "$" + strconv.Itoa(c+1) + "::text[]::" + types[c] + "[]"
	}
	_, err := tx.exec(ctx, `INSERT INTO `+table+` (`+columns+`) SELECT * FROM unnest(`+strings.Join(sel, ", ")+`)`, arrays...)
	if err != nil {
		return fmt.Errorf("store: bulk insert %s: %w", table, tx.s.dialect.mapErr(err))
	}
	return nil
}

// textValue renders a column value as PostgreSQL reads it in a text array (nil is NULL).
func textValue(v any) *string {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		s = x
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	default:
		s = fmt.Sprint(x)
	}
	return &s
}

// BulkCache gives SQLite's writer connection a page cache big enough for the indexes a
// bulk load touches (the default 2 MB makes every index insert a page read); PostgreSQL
// manages its own buffers.
func (tx *Tx) BulkCache(ctx context.Context, mb int) error {
	if tx.s.dialect.name != "sqlite" {
		return nil
	}
	_, err := tx.exec(ctx, `PRAGMA cache_size = -`+strconv.Itoa(mb*1024))
	return err
}

// BulkInsertTickets stores tickets (ids, numbers, states and times set by the caller) and
// their events (ids, sequence numbers and ticket ids set by the caller). Co-handling
// departments are not written to the side table; seeded tickets have none.
//
// tokens, when not nil, are the tickets' search words (one per ticket), written with them
// so that the full-text index is built by the load itself (benchmarks: no reindex after).
func (tx *Tx) BulkInsertTickets(ctx context.Context, ts []*ticket.Ticket, evs []ticket.Event, tokens []TicketTokens) error {
	rows := make([][]any, len(ts))
	for i, t := range ts {
		rows[i] = ticketArgs(t)
		if tokens != nil {
			tk := tokens[i]
			rows[i] = append(rows[i], tk.Subject, tk.Body, tk.Address, tk.Dict)
		}
	}
	cols, types := ticketColumns, ticketTypes
	if tokens != nil {
		cols += tokenColumns
		types = append(slices.Clip(types), "text", "text", "text", "text")
	}
	if err := tx.bulkInsertTyped(ctx, "tickets", cols, types, rows); err != nil {
		return err
	}
	rows = make([][]any, len(evs))
	for i, ev := range evs {
		rows[i] = []any{ev.ID, ev.TicketID, ev.Seq, string(ev.Action), ev.Actor, ev.Role, string(ev.FromState),
			string(ev.ToState), ev.Note, ev.DepartmentID, jsonOrNull(ev.Data, len(ev.Data) == 0),
			jsonOrNull(ev.Attachments, len(ev.Attachments) == 0), ms(ev.At)}
	}
	return tx.bulkInsertTyped(ctx, "ticket_events", `id, ticket_id, seq, action, actor, role, from_state, to_state,
		note, department_id, data, attachments, at`, eventTypes, rows)
}

// BulkInsertCitizens stores new citizen profiles (ids and counts set by the caller).
func (tx *Tx) BulkInsertCitizens(ctx context.Context, cs []*citizen.Citizen) error {
	rows := make([][]any, len(cs))
	for i, c := range cs {
		rows[i] = []any{c.ID, c.Phone, c.Name, jsonOrNull(c.OtherPhones, len(c.OtherPhones) == 0),
			jsonOrNull(c.Addresses, len(c.Addresses) == 0), jsonOrNull(c.Tags, len(c.Tags) == 0),
			c.Blacklisted, c.BlacklistReason, c.Note, c.TicketCount, ms(c.CreatedAt), ms(c.UpdatedAt)}
	}
	return tx.bulkInsertTyped(ctx, "citizens", citizenColumns, citizenTypes, rows)
}

// DailySeqs returns the last ticket number taken on each local day ("20261121" → 17):
// SQLite keeps them in ticket_daily_seq, PostgreSQL in one sequence per day.
func (tx *Tx) DailySeqs(ctx context.Context) (map[string]int, error) {
	q := `SELECT day, n FROM ticket_daily_seq`
	if tx.s.dialect.name == "postgres" {
		q = `SELECT substr(sequencename, 12), COALESCE(last_value, 0) FROM pg_sequences
			WHERE schemaname = current_schema() AND sequencename LIKE 'ticket\_seq\_%'`
	}
	rows, err := tx.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		out[day] = n
	}
	return out, rows.Err()
}

// RaiseDailySeq makes sure the next number taken on day comes after n.
func (tx *Tx) RaiseDailySeq(ctx context.Context, day string, n int) error {
	var err error
	if tx.s.dialect.name == "postgres" {
		// Created in the bulk transaction, not one autocommitted DDL per day as registrations
		// do: a year of days would otherwise cost a year of fsyncs.
		seq := "ticket_seq_" + day
		if _, err = tx.exec(ctx, `CREATE SEQUENCE IF NOT EXISTS `+seq); err == nil {
			_, err = tx.exec(ctx, `SELECT setval('`+seq+`', GREATEST($1::bigint,
				COALESCE((SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = '`+seq+`'), 0)))`, n)
		}
	} else {
		_, err = tx.exec(ctx, `INSERT INTO ticket_daily_seq (day, n) VALUES ($1, $2)
			ON CONFLICT (day) DO UPDATE SET n = CASE WHEN ticket_daily_seq.n < $2 THEN $2 ELSE ticket_daily_seq.n END`, day, n)
	}
	if err != nil {
		return fmt.Errorf("store: daily sequence: %w", err)
	}
	return nil
}

// DropSecondaryIndexes drops the non-unique indexes of tables and returns the statements
// that recreate them. A bulk load into empty tables runs several times faster without
// them, and building an index once from the loaded rows beats maintaining it row by row.
// Unique indexes and keys stay, so the load is still checked.
func (s *Store) DropSecondaryIndexes(ctx context.Context, tables ...string) ([]string, error) {
	var defs []string
	err := s.InTx(ctx, func(tx *Tx) error {
		ph := make([]string, len(tables))
		args := make([]any, len(tables))
		for i, t := range tables {
			ph[i], args[i] = "$"+strconv.Itoa(i+1), t
		}
		q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
			AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (` + strings.Join(ph, ", ") + `) ORDER BY name`
		if s.dialect.name == "postgres" {
			q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
				AND indexdef NOT LIKE 'CREATE UNIQUE%' AND tablename IN (` + strings.Join(ph, ", ") + `) ORDER BY indexname`
		}
		c, err := tx.raw(ctx)
		if err != nil {
			return err
		}
		rows, err := c.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		var names []string
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return err
			}
			names, defs = append(names, name), append(defs, def)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, n := range names {
			if _, err := c.ExecContext(ctx, `DROP INDEX `+n); err != nil {
				return fmt.Errorf("store: drop index %s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return defs, nil
}

// CreateIndexes runs the statements DropSecondaryIndexes returned.
func (s *Store) CreateIndexes(ctx context.Context, defs []string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.raw(ctx)
		if err != nil {
			return err
		}
		for _, d := range defs {
			if _, err := c.ExecContext(ctx, d); err != nil {
				return fmt.Errorf("store: %s: %w", d, err)
			}
		}
		return nil
	})
}

// AnalyzeAfterLoad gathers PostgreSQL's planner statistics of tables after a bulk load.
// Autovacuum gathers them eventually, or never where it is off (this machine's PostgreSQL);
// until then the planner guesses that any state or department matches 0.5 % of the rows and
// ANDs two bitmaps where one index would do: a department's processing tickets took 62 ms
// at 1.2 M tickets without statistics and 7 ms with them. SQLite is left alone: its lists
// name their indexes and were measured without statistics, which it never gathers itself.
func (s *Store) AnalyzeAfterLoad(ctx context.Context, tables ...string) error {
	if s.dialect.name != "postgres" {
		return nil
	}
	for _, t := range tables {
		if _, err := s.db.ExecContext(ctx, `ANALYZE `+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("store: analyze %s: %w", t, err)
		}
	}
	return nil
}
