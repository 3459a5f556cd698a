package callcenter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Spool is a CDRSink that never loses a CDR and never makes a call wait for the database.
// It writes straight to the sink while the sink works; when it fails, CDRs are appended to
// a spool file (one JSON line each, fsynced) and Run replays them in order once the sink
// answers again. While anything is spooled, new CDRs queue behind it to keep the order.
type Spool struct {
	sink    CDRSink
	path    string // spool file
	offPath string // offset of the first record not yet delivered
	log     *slog.Logger
	timeout time.Duration
	retry   time.Duration

	mu      sync.Mutex
	pending int
	kick    chan struct{}
}

// NewSpool opens (or creates) the spool under dir and counts what is still to replay.
func NewSpool(sink CDRSink, dir string, log *slog.Logger) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Spool{sink: sink, path: filepath.Join(dir, "cdr-spool.jsonl"), offPath: filepath.Join(dir, "cdr-spool.offset"),
		log: log, timeout: 3 * time.Second, retry: 5 * time.Second, kick: make(chan struct{}, 1)}
	if err := s.recover(); err != nil {
		return nil, err
	}
	return s, nil
}

// recover drops a torn last line (a crash mid-append: that write was never acknowledged)
// and counts the records after the saved offset.
func (s *Spool) recover() error {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if end := bytes.LastIndexByte(b, '\n') + 1; end != len(b) {
		if err := os.Truncate(s.path, int64(end)); err != nil {
			return err
		}
		b = b[:end]
	}
	off := s.offset()
	if off > int64(len(b)) {
		off = 0
	}
	s.pending = bytes.Count(b[off:], []byte{'\n'})
	return nil
}

func (s *Spool) offset() int64 {
	b, err := os.ReadFile(s.offPath)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Spool) saveOffset(n int64) error {
	tmp := s.offPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatInt(n, 10)), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.offPath)
}

// Pending is the number of CDRs waiting in the spool.
func (s *Spool) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// WriteCDR delivers cdr or spools it. It fails only if the local disk does.
func (s *Spool) WriteCDR(ctx context.Context, cdr CDR) error {
	s.mu.Lock()
	direct := s.pending == 0
	s.mu.Unlock()
	if direct {
		tctx, cancel := context.WithTimeout(ctx, s.timeout)
		err := s.sink.WriteCDR(tctx, cdr)
		cancel()
		if err == nil {
			return nil
		}
		s.log.Warn("cdr sink failed, spooling to disk", "call_id", cdr.CallID, "error", err)
	}
	line, err := json.Marshal(cdr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cdr spool: %w", err)
	}
	s.pending++
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// Run replays the spool whenever it holds records, retrying while the sink is down.
func (s *Spool) Run(ctx context.Context) {
	t := time.NewTicker(s.retry)
	defer t.Stop()
	for {
		if s.Pending() > 0 {
			if err := s.replay(ctx); err != nil && ctx.Err() == nil {
				s.log.Debug("cdr spool replay paused", "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
			// Give a sink that just failed a moment before hammering it again.
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.retry / 10):
			}
		}
	}
}

// replay sends spooled records in order from the saved offset and clears the file once
// everything is delivered.
func (s *Spool) replay(ctx context.Context) error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	off := s.offset()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a partial line is an append in progress: next round
		}
		if err != nil {
			return err
		}
		var cdr CDR
		if jerr := json.Unmarshal(line, &cdr); jerr != nil {
			s.log.Error("cdr spool: unreadable record skipped", "offset", off, "error", jerr)
		} else {
			tctx, cancel := context.WithTimeout(ctx, s.timeout)
			err := s.sink.WriteCDR(tctx, cdr)
			cancel()
			if err != nil {
				return err
			}
		}
		off += int64(len(line))
		if err := s.saveOffset(off); err != nil {
			return err
		}
		s.mu.Lock()
		s.pending--
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, err := os.Stat(s.path); err == nil && st.Size() == off && s.pending <= 0 {
		s.pending = 0
		if err := os.Truncate(s.path, 0); err != nil {
			return err
		}
		return s.saveOffset(0)
	}
	return nil
}
