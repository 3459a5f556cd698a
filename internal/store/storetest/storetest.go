// Package storetest opens fresh, migrated stores for tests: a SQLite file in a temporary
// directory always, and a new PostgreSQL database when HOTLINE_TEST_POSTGRES holds a URL.
// Every test gets its own database, so tests never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hotline-dev/hotline/internal/store"
)

// PostgresEnv names the environment variable with the PostgreSQL admin URL for tests.
const PostgresEnv = "HOTLINE_TEST_POSTGRES"

// Backend is one database a suite runs on.
type Backend struct {
	Name string
	// Open returns a new empty migrated store; it is closed (and dropped) when t ends.
	Open func(t testing.TB) *store.Store
	// DSN returns a new empty database's DSN, unmigrated, dropped when t ends.
	DSN func(t testing.TB) string
}

// Backends lists SQLite always and PostgreSQL when configured. In CI (CI=true) a missing
// PostgreSQL URL fails the test instead of quietly testing one database.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", DSN: sqliteDSN}}
	if admin := os.Getenv(PostgresEnv); admin != "" {
		bs = append(bs, Backend{Name: "postgres", DSN: func(t testing.TB) string { return postgresDSN(t, admin) }})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run the store suite on PostgreSQL too", PostgresEnv)
	}
	for i := range bs {
		dsn := bs[i].DSN
		bs[i].Open = func(t testing.TB) *store.Store { return Open(t, dsn(t)) }
	}
	return bs
}

// Open opens and migrates the store at dsn, closing it when t ends.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}

// SQLite returns a new migrated SQLite store in a temporary directory.
func SQLite(t testing.TB) *store.Store { return Open(t, sqliteDSN(t)) }

func sqliteDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "hotline.db") }

func postgresDSN(t testing.TB, admin string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "hotline_test_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres admin: %v", err)
	}
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("bad %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}
