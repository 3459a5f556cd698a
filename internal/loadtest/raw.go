package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx"
	_ "modernc.org/sqlite"             // "sqlite"
)

// RawInsert measures what the database itself sustains, the reference the ticket creation
// rate is compared with: clients goroutines each INSERT one ticket-sized row per
// transaction into a scratch table for d, which is dropped afterwards. SQLite is opened the
// way the store opens it (WAL, synchronous=FULL, busy timeout, one writer connection, as
// SQLite allows one writer at a time); PostgreSQL gets a pool of clients connections.
func RawInsert(ctx context.Context, dsn string, clients int, d time.Duration) (*Result, error) {
	var db *sql.DB
	var err error
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		driver = "postgres"
		db, err = sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(clients)
			db.SetMaxIdleConns(clients)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o755); err != nil {
			return nil, err
		}
		db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"+
			"&_pragma=synchronous(FULL)&_txlock=immediate")
		if err == nil {
			db.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS bench_raw`); err != nil {
		return nil, fmt.Errorf("rawinsert: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_raw (id TEXT PRIMARY KEY, number TEXT NOT NULL,
		state TEXT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL, description TEXT NOT NULL,
		phone TEXT NOT NULL, address TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("rawinsert: %w", err)
	}
	defer db.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_raw`)

	subject := "小区门口占道经营严重影响通行"
	desc := strings.Repeat("每天晚上小区门口都有大量摊贩占道经营，油烟噪音扰民，行人车辆通行困难，希望有关部门尽快处理。", 3)
	res := closedLoop(ctx, clients, d, func(c, i int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		now := time.Now().UnixMilli()
		_, err = tx.ExecContext(ctx, `INSERT INTO bench_raw (id, number, state, channel, subject, description,
			phone, address, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			fmt.Sprintf("%03d-%010d", c, i), fmt.Sprintf("R%03d%010d", c, i), "registered", "phone",
			subject, desc, "13800001111", "A市A1区东塘街道人民路1号", now, now)
		if err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
	res.Driver = driver
	if res.OK == 0 && res.FirstError != "" {
		return res, fmt.Errorf("rawinsert: %s", res.FirstError)
	}
	return res, ctx.Err()
}
