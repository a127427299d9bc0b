package engine

// This file holds curl and wget, read-only tools: one HTTP fetch from the
// node's namespace, printed as the real tool prints it on a terminal (see
// cmdline.HTTPGet for what netlab bounds and how lines end).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httputil"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netlab/netlab/engine/cmdline"
)

// httpGetAction is curl or wget, done natively.
type httpGetAction struct {
	cmdline.HTTPGet
	readOnly
}

// The identities netlab's clients send, those of the tools they stand for.
const (
	curlAgent = "curl/7.88.1"
	wgetAgent = "Wget/1.21.3"
)

// fetch is one run of curl or wget: what it has printed so far and when
// it started, for curl's millisecond figures.
type fetch struct {
	cmdline.HTTPGet
	x     *execCtx
	ctx   context.Context
	out   strings.Builder
	start time.Time

	client Client // what it met, for the Result (see Client)
}

func (a *httpGetAction) run(x *execCtx) (string, error) {
	f := &fetch{HTTPGet: a.HTTPGet, x: x, ctx: x.s.context(), start: time.Now()}
	code := f.get()
	x.client = &f.client
	if code != 0 {
		return f.out.String(), &ExitError{Code: code}
	}
	return f.out.String(), nil
}

func (f *fetch) curl() bool { return f.Tool == "curl" }

// info prints one of curl's verbose lines ("* ...", "> ...", "< ...").
func (f *fetch) info(format string, a ...any) {
	if f.Verbose {
		fmt.Fprintf(&f.out, format+"\n", a...)
	}
}

// fail ends a curl run with its error: the verbose line, the closing of
// the connection, and "curl: (N) ..." unless silenced. wget, being
// quiet, prints nothing and exits with code.
func (f *fetch) fail(curlCode, wgetCode int, format string, a ...any) int {
	if !f.curl() {
		return wgetCode
	}
	msg := fmt.Sprintf(format, a...)
	f.info("* %s", msg)
	f.info("* Closing connection 0")
	if !f.Silent || f.ShowErrors {
		fmt.Fprintf(&f.out, "curl: (%d) %s\n", curlCode, msg)
	}
	return curlCode
}

func (f *fetch) ms() int64 { return time.Since(f.start).Milliseconds() }

// cancelled is the exit status of a tool stopped by Ctrl-C, as a shell
// reports it.
const cancelled = 130

// get runs the fetch and returns the tool's exit status.
func (f *fetch) get() int {
	connectTO := cmp(f.ConnectTimeout, cmdline.DefaultConnectTimeout)
	total := cmp(f.MaxTime, cmdline.DefaultMaxTime)
	ip, err := resolve(f.x, f.Host)
	if err != nil {
		f.client.Outcome = ClientUnresolved
		return f.fail(6, 4, "Could not resolve host: %s", f.Host)
	}
	f.info("*   Trying %s:%d...", ip, f.Port)
	conn, err := dialIn(f.ctx, f.x, "tcp4", ip, f.Port, min(connectTO, total))
	if err != nil {
		f.client.Outcome = dialOutcome(f.ctx, err)
		switch {
		case f.ctx.Err() != nil:
			return cancelled
		case dialTimedOut(err) && total <= connectTO:
			return f.fail(28, 4, "Connection timed out after %d milliseconds", f.ms())
		case dialTimedOut(err):
			f.info("* ipv4 connect timeout after %dms, move on!", connectTO.Milliseconds())
			return f.fail(28, 4, "Failed to connect to %s port %d after %d ms: Timeout was reached", f.Host, f.Port, f.ms())
		case errors.Is(err, syscall.ENETUNREACH):
			f.info("* Immediate connect fail for %s: %s", ip, strerror(err))
		default:
			f.info("* connect to %s port %d failed: %s", ip, f.Port, strerror(err))
		}
		return f.fail(7, 4, "Failed to connect to %s port %d after %d ms: Couldn't connect to server", f.Host, f.Port, f.ms())
	}
	defer conn.Close()
	f.client.Connected = true
	f.info("* Connected to %s (%s) port %d (#0)", f.Host, ip, f.Port)
	// Cancelling the step ends the fetch at once, as Ctrl-C ends curl: a
	// deadline in the past wakes any read.
	stop := context.AfterFunc(f.ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	conn.SetDeadline(f.start.Add(total))
	if f.ctx.Err() != nil { // after setting the deadline: see AfterFunc above
		f.client.Outcome = ClientCancelled
		return cancelled
	}
	if _, err := io.WriteString(conn, f.request()); err != nil {
		return f.readFailed(err, 0, -1)
	}
	return f.response(bufio.NewReader(conn))
}

// cmp is d, or def when d is 0.
func cmp(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// request is the request the real tool sends, printed by curl -v.
func (f *fetch) request() string {
	method := "GET"
	if f.Head {
		method = "HEAD"
	}
	host := f.Host
	if f.Port != 80 {
		host += ":" + strconv.Itoa(f.Port)
	}
	lines := []string{method + " " + f.Path + " HTTP/1.1", "Host: " + host}
	if f.curl() {
		lines = append(lines, "User-Agent: "+curlAgent, "Accept: */*")
	} else {
		lines = append(lines, "User-Agent: "+wgetAgent, "Accept: */*", "Accept-Encoding: identity", "Connection: Keep-Alive")
	}
	for _, l := range lines {
		f.info("> %s", l)
	}
	f.info("> ")
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// response reads the status line, headers and body, printing them as the
// tool does, and returns the exit status.
func (f *fetch) response(br *bufio.Reader) int {
	status, err := br.ReadString('\n')
	switch {
	case err != nil && status == "" && errors.Is(err, io.EOF):
		f.client.Outcome = ClientBroken
		return f.fail(52, 4, "Empty reply from server")
	case err != nil && status == "":
		return f.readFailed(err, 0, -1)
	case !strings.HasPrefix(status, "HTTP/"):
		f.client.Outcome = ClientBroken
		return f.fail(1, 4, "Received HTTP/0.9 when not allowed")
	}
	status = strings.TrimRight(status, "\r\n")
	fields := strings.Fields(status)
	code := 0
	if len(fields) >= 2 {
		code, _ = strconv.Atoi(fields[1])
	}
	closeAfter := strings.HasPrefix(status, "HTTP/1.0")
	if closeAfter {
		f.info("* HTTP 1.0, assume close after body")
	}
	f.header(status)
	length, chunked := int64(-1), false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return f.readFailed(err, 0, -1)
		}
		line = strings.TrimRight(line, "\r\n")
		f.header(line)
		if line == "" {
			break
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil && n >= 0 {
				length = n
			}
		case "transfer-encoding":
			chunked = strings.EqualFold(value, "chunked")
		case "connection":
			closeAfter = strings.EqualFold(value, "close") || closeAfter && !strings.EqualFold(value, "keep-alive")
		}
	}
	f.client.Status = code
	if !f.curl() && code >= 400 {
		f.client.Outcome = ClientOK
		return 8 // wget: the server answered with an error; -q prints nothing
	}
	if !f.Head && code >= 200 && code != 204 && code != 304 {
		var body io.Reader = br
		switch {
		case chunked:
			body, length = httputil.NewChunkedReader(br), -1
		case length >= 0:
			body = io.LimitReader(br, length)
		default:
			closeAfter = true
		}
		n, err := io.Copy(&f.out, body)
		if err == nil && length >= 0 && n < length {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return f.readFailed(err, n, length)
		}
	}
	if closeAfter {
		f.info("* Closing connection 0")
	} else {
		f.info("* Connection #0 to host %s left intact", f.Host)
	}
	f.client.Outcome = ClientOK
	return 0
}

// header prints one line of the response head: after "< " with -v, and
// as it is with -I (curl prints both, one after the other, on a terminal).
func (f *fetch) header(line string) {
	f.info("< %s", line)
	if f.Head && f.curl() {
		f.out.WriteString(line + "\n")
	}
}

// readFailed ends a fetch whose connection failed after it was made, with
// got body bytes of length (-1 when unknown) received.
func (f *fetch) readFailed(err error, got, length int64) int {
	var ne net.Error
	timedOut := errors.As(err, &ne) && ne.Timeout()
	f.client.Outcome = ClientBroken
	switch {
	case f.ctx.Err() != nil:
		f.client.Outcome = ClientCancelled
		return cancelled
	case timedOut:
		f.client.Outcome = ClientTimeout
	}
	switch {
	case timedOut && length >= 0:
		return f.fail(28, 4, "Operation timed out after %d milliseconds with %d out of %d bytes received", f.ms(), got, length)
	case timedOut:
		return f.fail(28, 4, "Operation timed out after %d milliseconds with %d bytes received", f.ms(), got)
	case errors.Is(err, io.ErrUnexpectedEOF) && length >= 0:
		return f.fail(18, 4, "transfer closed with %d bytes remaining to read", length-got)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return f.fail(52, 4, "Empty reply from server")
	}
	return f.fail(56, 4, "Recv failure: %s", strerror(err))
}
