package engine

// This file holds what the clients (curl, wget, nc) share: a socket
// connected from inside the node's namespace, and the C library's words
// for the errors a connection meets.

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// dialIn connects to ip:port over network ("tcp4" or "udp4") with a socket
// created in x's node: the dial runs on a thread inside the namespace, and
// the socket stays there whichever goroutine uses it afterwards.
func dialIn(ctx context.Context, x *execCtx, network string, ip net.IP, port int, timeout time.Duration) (net.Conn, error) {
	var conn net.Conn
	err := x.do(func() error {
		d := net.Dialer{Timeout: timeout}
		var err error
		conn, err = d.DialContext(ctx, network, net.JoinHostPort(ip.String(), strconv.Itoa(port)))
		return err
	})
	return conn, err
}

// dialTimedOut reports whether a dial gave up because its time ran out
// (rather than being refused, unreachable or cancelled).
func dialTimedOut(err error) bool {
	if errors.Is(err, syscall.ETIMEDOUT) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// strerror is the C library's message for the errno inside err ("Connection
// refused"), as the real tools print it.
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	switch errno {
	case syscall.ECONNREFUSED:
		return "Connection refused"
	case syscall.EHOSTUNREACH:
		return "No route to host"
	case syscall.ENETUNREACH:
		return "Network is unreachable"
	case syscall.ETIMEDOUT:
		return "Connection timed out"
	case syscall.ECONNRESET:
		return "Connection reset by peer"
	case syscall.EPERM:
		return "Operation not permitted"
	}
	s := errno.Error()
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
