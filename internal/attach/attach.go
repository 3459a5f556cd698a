// Package attach keeps attachment bytes under the data directory, content-addressed by
// SHA-256 so the same photo sent twice is stored once.
package attach

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// MaxSize is the largest attachment accepted (a phone video clip, a scanned letter).
const MaxSize = 20 << 20

// allowed lists the content types citizens and staff may attach, by sniffed type.
var allowed = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"application/pdf": true, "audio/wave": true, "audio/wav": true, "audio/mpeg": true, "video/mp4": true,
	"video/webm": true, "text/plain": true, "application/zip": true, // .docx/.xlsx are zip containers
}

// ErrTooLarge and ErrType are the two ways an upload is refused.
var (
	ErrTooLarge = fmt.Errorf("attachment larger than %d MB", MaxSize>>20)
	ErrType     = errors.New("attachment type not accepted (images, PDF, audio, video, text, Office documents)")
	ErrEmpty    = errors.New("attachment is empty")
)

// Files stores attachments under Dir.
type Files struct{ Dir string }

// Stored is what Save learned about a file.
type Stored struct {
	Path        string // relative to Dir
	SHA256      string
	Size        int64
	ContentType string
}

// Save reads r (at most MaxSize bytes), checks its type by content, and stores it.
func (f Files) Save(r io.Reader) (Stored, error) {
	if err := os.MkdirAll(filepath.Join(f.Dir, "tmp"), 0o755); err != nil {
		return Stored{}, err
	}
	tmp, err := os.CreateTemp(filepath.Join(f.Dir, "tmp"), "upload-*")
	if err != nil {
		return Stored{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	head := make([]byte, 0, 512)
	n, err := io.Copy(io.MultiWriter(tmp, h, &prefix{buf: &head}), io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Stored{}, err
	}
	if n == 0 {
		return Stored{}, ErrEmpty
	}
	if n > MaxSize {
		return Stored{}, ErrTooLarge
	}
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !allowed[ct] {
		return Stored{}, ErrType
	}
	sum := hex.EncodeToString(h.Sum(nil))
	rel := filepath.Join("attachments", sum[:2], sum[2:4], sum)
	if err := tmp.Sync(); err != nil {
		return Stored{}, err
	}
	if err := os.MkdirAll(filepath.Join(f.Dir, filepath.Dir(rel)), 0o755); err != nil {
		return Stored{}, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(f.Dir, rel)); err != nil {
		return Stored{}, err
	}
	return Stored{Path: rel, SHA256: sum, Size: n, ContentType: ct}, nil
}

// Open opens a stored file by its relative path.
func (f Files) Open(rel string) (*os.File, error) {
	clean := filepath.Clean(rel)
	if strings.HasPrefix(clean, "..") || filepath.IsAbs(clean) {
		return nil, errors.New("bad attachment path")
	}
	return os.Open(filepath.Join(f.Dir, clean))
}

// CleanName keeps a file name safe to echo back in a header.
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "attachment"
	}
	if len(name) > 200 {
		ext := filepath.Ext(name)
		name = name[:200-len(ext)] + ext
	}
	return name
}

// Disposition renders a Content-Disposition header for name (UTF-8 names included).
func Disposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// prefix keeps the first 512 bytes written, for content sniffing.
type prefix struct{ buf *[]byte }

func (p *prefix) Write(b []byte) (int, error) {
	if room := 512 - len(*p.buf); room > 0 {
		if len(b) < room {
			room = len(b)
		}
		*p.buf = append(*p.buf, b[:room]...)
	}
	return len(b), nil
}
