package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// InitSetting stores v under key unless something is stored there already, and decodes what
// is stored into v: every node of a cluster ends up with the first node's value (a generated
// secret, say) however they race.
func (s *Store) InitSetting(ctx context.Context, key string, v any, by string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO NOTHING`, key, string(b), by, ms(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: init setting %s: %w", key, err)
	}
	ok, err := s.Setting(ctx, key, v)
	if err == nil && !ok {
		err = fmt.Errorf("store: setting %s vanished after insert", key)
	}
	return err
}
