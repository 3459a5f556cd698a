package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// wire is one load-generating client's keep-alive HTTP/1.1 connection, used as wrk uses
// one: the request goes straight onto the socket and the answer is read with net/http's
// own parser. http.Client would add its connection pool and two goroutines per
// connection, and the load generator shares the server's two cores: with it the
// generator spent 75–100 µs of CPU per registration, about half what the server did.
type wire struct {
	addr, host string
	conn       net.Conn
	br         *bufio.Reader
	bw         *bufio.Writer
}

// newWires gives n clients their own connection to base (dialled on first use).
func newWires(base string, n int) ([]*wire, error) {
	base = strings.TrimRight(base, "/")
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("the load generator needs an http:// URL, not %q", base)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	ws := make([]*wire, max(n, 1))
	for i := range ws {
		ws[i] = &wire{addr: addr, host: u.Host}
	}
	return ws, nil
}

func closeWires(ws []*wire) {
	for _, w := range ws {
		w.close()
	}
}

// do sends one request and reads the whole answer; an answer other than want is an error
// quoting its body.
func (w *wire) do(ctx context.Context, method, path, token string, body []byte, want int) error {
	if w.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", w.addr)
		if err != nil {
			return err
		}
		w.conn, w.br, w.bw = c, bufio.NewReaderSize(c, 16<<10), bufio.NewWriterSize(c, 4<<10)
	}
	closeAfter, err := w.exchange(method, path, token, body, want)
	if err != nil || closeAfter {
		w.close()
	}
	return err
}

func (w *wire) exchange(method, path, token string, body []byte, want int) (closeAfter bool, err error) {
	w.conn.SetDeadline(time.Now().Add(30 * time.Second))
	bw := w.bw
	bw.WriteString(method + " " + path + " HTTP/1.1\r\nHost: " + w.host + "\r\n")
	if token != "" {
		bw.WriteString("Authorization: Bearer " + token + "\r\n")
	}
	if body != nil {
		bw.WriteString("Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	bw.WriteString("\r\n")
	bw.Write(body)
	if err := bw.Flush(); err != nil {
		return true, err
	}
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		return true, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		return true, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, truncate(strings.TrimSpace(string(b)), 200))
	}
	_, err = io.Copy(io.Discard, resp.Body) // to the end: the next answer follows on the connection
	return resp.Close || err != nil, err
}

func (w *wire) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}
