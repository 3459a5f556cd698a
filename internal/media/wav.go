package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// SampleRate is the only rate the call centre handles: narrowband telephony.
const SampleRate = 8000

const wavHeaderSize = 44

// WAVWriter writes 8 kHz 16-bit mono PCM. The header is valid from the first byte and
// its sizes are patched on every Flush, so a file cut short by a crash still plays up to
// the last flush.
type WAVWriter struct {
	mu   sync.Mutex
	f    *os.File
	bw   *bufio.Writer
	data int64 // bytes of samples written
	buf  []byte
}

// CreateWAV creates path (and its directories) and writes an empty-but-valid header.
func CreateWAV(path string) (*WAVWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	w := &WAVWriter{f: f, bw: bufio.NewWriterSize(f, 16<<10)}
	if _, err := f.Write(wavHeader(0)); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func wavHeader(dataBytes int64) []byte {
	h := make([]byte, wavHeaderSize)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+dataBytes))
	copy(h[8:], "WAVE")
	copy(h[12:], "fmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 1) // mono
	binary.LittleEndian.PutUint32(h[24:], SampleRate)
	binary.LittleEndian.PutUint32(h[28:], SampleRate*2)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(dataBytes))
	return h
}

// Write appends samples.
func (w *WAVWriter) Write(pcm []int16) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return os.ErrClosed
	}
	w.buf = w.buf[:0]
	for _, s := range pcm {
		w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(s))
	}
	n, err := w.bw.Write(w.buf)
	w.data += int64(n)
	return err
}

// Flush writes buffered samples and patches the header sizes.
func (w *WAVWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

func (w *WAVWriter) flush() error {
	if w.f == nil {
		return os.ErrClosed
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	var sz [4]byte
	binary.LittleEndian.PutUint32(sz[:], uint32(36+w.data))
	if _, err := w.f.WriteAt(sz[:], 4); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(sz[:], uint32(w.data))
	_, err := w.f.WriteAt(sz[:], 40)
	return err
}

// Duration is the audio written so far.
func (w *WAVWriter) Duration() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return time.Duration(w.data/2) * time.Second / SampleRate
}

// Close flushes, patches the header and closes the file. Closing twice is harmless.
func (w *WAVWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.flush()
	err = errors.Join(err, w.f.Close())
	w.f = nil
	return err
}

// ReadWAV reads a whole 8 kHz 16-bit mono PCM WAV file.
func ReadWAV(r io.Reader) ([]int16, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return nil, fmt.Errorf("wav: %w", err)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, errors.New("wav: not a RIFF/WAVE file")
	}
	fmtOK := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return nil, fmt.Errorf("wav: no data chunk: %w", err)
		}
		size := int64(binary.LittleEndian.Uint32(ch[4:]))
		switch string(ch[0:4]) {
		case "fmt ":
			if size < 16 || size > 1<<10 {
				return nil, errors.New("wav: bad fmt chunk")
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("wav: %w", err)
			}
			format, chans := binary.LittleEndian.Uint16(b[0:]), binary.LittleEndian.Uint16(b[2:])
			rate, bits := binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint16(b[14:])
			if format != 1 || chans != 1 || rate != SampleRate || bits != 16 {
				return nil, fmt.Errorf("wav: need 8 kHz 16-bit mono PCM, got format %d, %d ch, %d Hz, %d bit", format, chans, rate, bits)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, errors.New("wav: data before fmt")
			}
			// A header left at 0 or too big by an abrupt end: read what is there.
			if size == 0 || size == 0xffffffff {
				size = 1 << 31
			}
			b, err := io.ReadAll(io.LimitReader(r, size))
			if err != nil {
				return nil, fmt.Errorf("wav: %w", err)
			}
			pcm := make([]int16, len(b)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
			}
			return pcm, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, fmt.Errorf("wav: %w", err)
			}
		}
	}
}
