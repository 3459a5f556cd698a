package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// DictWord is one word of the editable city dictionary (城市词典).
type DictWord struct {
	Word      string    `json:"word"`
	Frequency float64   `json:"frequency"`     // 0: the segmenter's default weight
	Pos       string    `json:"pos,omitempty"` // part of speech, e.g. ns place, nt organisation
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// AddDictionaryWord stores a word; ErrConflict when it is already there.
func (tx *Tx) AddDictionaryWord(ctx context.Context, w *DictWord) error {
	w.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, `INSERT INTO dictionary_words (word, frequency, pos, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		w.Word, w.Frequency, w.Pos, w.CreatedBy, ms(w.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add dictionary word: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// RemoveDictionaryWord deletes a word; ErrNotFound when it is not there.
func (tx *Tx) RemoveDictionaryWord(ctx context.Context, word string) error {
	res, err := tx.exec(ctx, `DELETE FROM dictionary_words WHERE word = $1`, word)
	if err != nil {
		return fmt.Errorf("store: remove dictionary word: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DictionaryWord finds one word.
func (s *Store) DictionaryWord(ctx context.Context, word string) (*DictWord, error) {
	var w DictWord
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT word, frequency, pos, created_by, created_at FROM dictionary_words WHERE word = $1`, word).
		Scan(&w.Word, &w.Frequency, &w.Pos, &w.CreatedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: dictionary word: %w", err)
	}
	w.CreatedAt = fromMS(at)
	return &w, nil
}

// DictionaryFilter pages through the dictionary; Q keeps words containing it.
type DictionaryFilter struct {
	Q      string
	Limit  int // 0: every word
	Offset int
}

// DictionaryWords lists words newest first and counts all that match the filter.
func (s *Store) DictionaryWords(ctx context.Context, f DictionaryFilter) ([]DictWord, int, error) {
	where, args := "", []any{}
	if f.Q != "" {
		where = ` WHERE word LIKE $1 ESCAPE '\'`
		args = append(args, "%"+escapeLike(f.Q)+"%")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dictionary_words`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count dictionary: %w", err)
	}
	q := `SELECT word, frequency, pos, created_by, created_at FROM dictionary_words` + where + ` ORDER BY created_at DESC, word`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit) + ` OFFSET ` + strconv.Itoa(max(f.Offset, 0))
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: dictionary: %w", err)
	}
	defer rows.Close()
	out := []DictWord{}
	for rows.Next() {
		var w DictWord
		var at int64
		if err := rows.Scan(&w.Word, &w.Frequency, &w.Pos, &w.CreatedBy, &at); err != nil {
			return nil, 0, err
		}
		w.CreatedAt = fromMS(at)
		out = append(out, w)
	}
	return out, total, rows.Err()
}
