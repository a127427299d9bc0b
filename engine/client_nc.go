package engine

// This file holds nc as a client, a read-only tool: one connection from
// the node's namespace, printed as OpenBSD netcat (Debian's
// netcat-openbsd) prints it; see cmdline.NcConnect for what netlab's nc
// sends and how long it waits.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/netlab/netlab/engine/cmdline"
)

// ncConnectAction is "nc HOST PORT", done natively.
type ncConnectAction struct {
	cmdline.NcConnect
	readOnly
}

// ncUDPProbes is how many seconds nc -uz probes a port when no -w is
// given (netcat's UDP_SCAN_TIMEOUT).
const ncUDPProbes = 3

func (a *ncConnectAction) run(x *execCtx) (string, error) {
	var b strings.Builder
	client := &Client{}
	x.client = client
	proto := "tcp"
	if a.UDP {
		proto = "udp"
	}
	ip, err := resolve(x, a.Host)
	if a.Numeric && net.ParseIP(a.Host) == nil {
		err = errNoSuchHost // -n: getaddrinfo with AI_NUMERICHOST takes no name
	}
	if err != nil {
		client.Outcome = ClientUnresolved
		fmt.Fprintf(&b, "nc: getaddrinfo for host \"%s\" port %d: Name or service not known\n", a.Host, a.Port)
		return b.String(), &ExitError{Code: 1}
	}
	wait := a.Wait
	if wait == 0 {
		wait = cmdline.DefaultNcWait
	}
	ctx := x.s.context()
	conn, err := dialIn(ctx, x, proto+"4", ip, a.Port, wait)
	if err != nil {
		client.Outcome = dialOutcome(ctx, err)
		if ctx.Err() != nil {
			return b.String(), &ExitError{Code: cancelled}
		}
		if a.Verbose {
			// Debian's nc says "timed out" with the errno its poll left,
			// EINPROGRESS, and "failed" with the connection's error.
			what, why := "failed", strerror(err)
			if dialTimedOut(err) {
				what, why = "timed out", "Operation now in progress"
			}
			fmt.Fprintf(&b, "nc: connect to %s port %d (%s) %s: %s\n", a.Host, a.Port, proto, what, why)
		}
		return b.String(), &ExitError{Code: 1}
	}
	defer conn.Close()
	client.Outcome, client.Connected = ClientOK, true
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	// Debian's nc probes a UDP port only to report it (-v), and only in
	// scan mode (-z): "nc -uz" alone succeeds whatever listens.
	if a.UDP && a.Zero && a.Verbose {
		if !udpProbe(ctx, conn, a.Wait) {
			if ctx.Err() != nil {
				client.Outcome = ClientCancelled
				return b.String(), &ExitError{Code: cancelled}
			}
			client.Outcome = ClientRefused
			return b.String(), &ExitError{Code: 1}
		}
	}
	// nc prints its line for a UDP "connection" only after probing it,
	// which it does with -z (its input, a terminal, would be the other
	// case; netlab's nc has none).
	if a.Verbose && (!a.UDP || a.Zero) {
		// Debian's nc adds the address when the host was a name.
		host := a.Host
		if !a.Numeric && host != ip.String() {
			host += " (" + ip.String() + ")"
		}
		fmt.Fprintf(&b, "Connection to %s %d port [%s/%s] succeeded!\n", host, a.Port, proto, a.service(proto))
	}
	if a.Zero {
		return b.String(), nil
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite() // the end of nc's (empty) input, as nc -N sends it
	}
	buf := make([]byte, 8192)
	for ctx.Err() == nil {
		conn.SetReadDeadline(time.Now().Add(wait))
		if ctx.Err() != nil { // after setting the deadline: see AfterFunc above
			break
		}
		n, err := conn.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break // the peer closed, nothing came for -w, or it failed: nc ends quietly
		}
	}
	if ctx.Err() != nil {
		client.Outcome = ClientCancelled
		return b.String(), &ExitError{Code: cancelled}
	}
	return b.String(), nil
}

// udpProbe is netcat's udptest: two datagrams "X", then one a second for
// the -w seconds (3 without -w); an ICMP port unreachable, seen as a
// refused write, means nothing listens.
func udpProbe(ctx context.Context, conn net.Conn, wait time.Duration) bool {
	refused := func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
	if _, err := io.WriteString(conn, "X"); err != nil {
		return false
	}
	if _, err := io.WriteString(conn, "X"); refused(err) {
		return false
	}
	secs := int(wait / time.Second)
	if wait == 0 {
		secs = ncUDPProbes
	}
	for i := 0; i < secs; i++ {
		t := time.NewTimer(time.Second)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
		if _, err := io.WriteString(conn, "X"); refused(err) {
			return false
		}
	}
	return true
}

// service is the name nc prints for the port ("http", "*" for none or
// with -n), from the services netlab's labs meet, as /etc/services names
// them.
func (a *ncConnectAction) service(proto string) string {
	if a.Numeric {
		return "*"
	}
	if s, ok := services[proto][a.Port]; ok {
		return s
	}
	return "*"
}

// services is the part of /etc/services nc's lookups find in the labs.
var services = map[string]map[int]string{
	"tcp": {21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "domain", 80: "http", 443: "https",
		3306: "mysql", 5432: "postgresql", 6379: "redis", 8080: "http-alt"},
	"udp": {53: "domain", 67: "bootps", 68: "bootpc", 69: "tftp", 123: "ntp", 161: "snmp", 443: "https", 514: "syslog"},
}
