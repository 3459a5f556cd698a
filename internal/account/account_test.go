package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			a := account.New(st, nil)
			now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
			a.SetClock(func() time.Time { return now })

			bad := &store.User{Username: "x", Role: "handler"}
			err := a.CreateUser(ctx, "admin", bad, "short")
			var fe ticket.FieldErrors
			if !errors.As(err, &fe) || fe["username"] == "" || fe["password"] == "" || fe["department_id"] == "" {
				t.Fatalf("invalid user: %v", err)
			}
			u := &store.User{Username: "agent01", DisplayName: "王芳", Role: "agent"}
			if err := a.CreateUser(ctx, "admin", u, "agent12345"); err != nil {
				t.Fatal(err)
			}
			if err := a.CreateUser(ctx, "admin", &store.User{Username: "agent01", Role: "agent"}, "agent12345"); !errors.As(err, &fe) || fe["username"] != "already taken" {
				t.Fatalf("duplicate username: %v", err)
			}
			token, got, err := a.Login(ctx, "agent01", "agent12345", "127.0.0.1")
			if err != nil || got.ID != u.ID || !strings.HasPrefix(token, account.SessionPrefix) {
				t.Fatalf("login: %v", err)
			}
			if su, err := a.SessionUser(ctx, token); err != nil || su.Username != "agent01" {
				t.Fatalf("session: %v", err)
			}
			// Five wrong passwords lock the account; the right one is then refused too.
			for i := 0; i < account.MaxFailures; i++ {
				if _, _, err := a.Login(ctx, "agent01", "wrong-password", "127.0.0.1"); !errors.Is(err, account.ErrBadCredentials) {
					t.Fatalf("wrong password %d: %v", i, err)
				}
			}
			if _, _, err := a.Login(ctx, "agent01", "agent12345", "127.0.0.1"); !errors.Is(err, account.ErrLocked) {
				t.Fatalf("locked account let in: %v", err)
			}
			now = now.Add(account.LockFor + time.Second)
			if _, _, err := a.Login(ctx, "agent01", "agent12345", "127.0.0.1"); err != nil {
				t.Fatalf("lock did not expire: %v", err)
			}
			if _, _, err := a.Login(ctx, "nobody", "agent12345", "127.0.0.1"); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("unknown user: %v", err)
			}
			if err := a.ChangePassword(ctx, u.ID, "agent12345", "新的密码12345"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.SessionUser(ctx, token); !errors.Is(err, account.ErrNoSession) {
				t.Fatal("a password change must end old sessions")
			}
			secret, k, err := a.CreateAPIKey(ctx, "admin", "open311 门户", "agent", "")
			if err != nil || !strings.HasPrefix(secret, account.APIKeyPrefix) {
				t.Fatal(err)
			}
			if got, err := a.APIKey(ctx, secret); err != nil || got.ID != k.ID {
				t.Fatalf("api key lookup: %v", err)
			}
			if _, err := a.APIKey(ctx, secret+"x"); !errors.Is(err, account.ErrNoSession) {
				t.Fatal("a wrong key works")
			}
			log, _ := st.AuditLog(ctx, store.AuditFilter{Action: "login.failed"})
			if len(log) < account.MaxFailures {
				t.Fatalf("failed logins not audited: %d", len(log))
			}
		})
	}
}
