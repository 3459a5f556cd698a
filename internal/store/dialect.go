package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver (pure Go)
)

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name       string
	forUpdate  string // row lock clause for read-modify-write (SQLite's single writer needs none)
	migrations []string
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	// WAL lets readers run beside the writer; busy_timeout covers other processes (the CLI
	// writing while serve runs); foreign keys are off by default in SQLite; synchronous FULL
	// because an acknowledged ticket must survive a power cut (group commit pays for it).
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	// Two connections, one writer goroutine (writer.go): writes stay serial; the spare
	// connection lets statements be prepared while a batch holds the other.
	writer.SetMaxOpenConns(2)
	writer.SetMaxIdleConns(2)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	if path == ":memory:" {
		return &Store{db: newReadPool(writer, false), writer: writer, dialect: sqliteDialect}, nil
	}
	readDSN := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&mode=ro"
	readers, err := sql.Open("sqlite", readDSN)
	if err != nil {
		writer.Close()
		return nil, err
	}
	readers.SetMaxOpenConns(4)
	readers.SetMaxIdleConns(4)
	return &Store{db: newReadPool(readers, true), writer: writer, dialect: sqliteDialect}, nil
}

func openPostgres(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect postgres: %w", err)
	}
	ddl, err := sql.Open("pgx", url)
	if err != nil {
		db.Close()
		return nil, err
	}
	ddl.SetMaxOpenConns(1)
	return &Store{db: newReadPool(db, false), writer: db, ddl: ddl, dialect: postgresDialect}, nil
}

var sqliteDialect = dialect{name: "sqlite", migrations: sqliteMigrations}

var postgresDialect = dialect{name: "postgres", forUpdate: " FOR UPDATE", migrations: postgresMigrations}

// mapErr turns unique-key violations into ErrConflict so callers need not know the driver.
func (d dialect) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pg.Detail)
	}
	if strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}
