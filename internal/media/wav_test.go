package media

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWAVHeaderValidAfterEveryFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "2026", "11", "21", "call.wav")
	w, err := CreateWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	// Right after creation: a valid empty file.
	if pcm := readBack(t, path); len(pcm) != 0 {
		t.Fatalf("new file has %d samples", len(pcm))
	}
	first := make([]int16, 800)
	for i := range first {
		first[i] = int16(i * 10)
	}
	w.Write(first)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// The process "dies" here without Close: the file must still hold the samples.
	if pcm := readBack(t, path); !slices.Equal(pcm, first) {
		t.Fatalf("after flush read %d samples, want %d", len(pcm), len(first))
	}
	w.Write(first)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if pcm := readBack(t, path); len(pcm) != 1600 {
		t.Fatalf("after close %d samples", len(pcm))
	}
	if w.Duration() != 200*time.Millisecond {
		t.Fatalf("duration %s", w.Duration())
	}
	st, _ := os.Stat(path)
	if st.Size() != 44+3200 {
		t.Fatalf("size %d", st.Size())
	}
}

func readBack(t *testing.T, path string) []int16 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := ReadWAV(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return pcm
}

func TestReadWAVRejects(t *testing.T) {
	stereo := wavHeader(0)
	stereo[22] = 2
	tests := map[string][]byte{
		"empty":     nil,
		"not riff":  []byte("RIFX0000WAVEfmt "),
		"stereo":    stereo,
		"truncated": wavHeader(0)[:30],
	}
	for name, b := range tests {
		if _, err := ReadWAV(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
