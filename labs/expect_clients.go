package labs

// This file holds what the http: and tcp: expectations need to know about
// a step's commands: which are clients, and which a failure is expected of.

import "github.com/netlab/netlab/engine/cmdline"

// The outcomes an http: expectation names.
const (
	HTTPOK      = "ok"      // connected and got an HTTP answer with a status below 400
	HTTPRefused = "refused" // the connection was refused
	HTTPTimeout = "timeout" // no connection, or no whole answer, in time
	HTTPError   = "error"   // connected and got an HTTP answer with an error status (400 and up)
)

// The outcomes a tcp: expectation names.
const (
	TCPConnects = "connects" // the connection was made
	TCPRefused  = "refused"  // the connection was refused
	TCPTimeout  = "timeout"  // no connection in time
)

// ExpectsFailure reports whether the expectation says that the step's
// nth command (1-based), run as cmd, fails: a ping: fail on a ping, an
// http: refused, timeout or error on a curl or wget, a tcp: refused or
// timeout on an nc client. (A fails expectation names its command: see
// Command.)
func (e *Expect) ExpectsFailure(n int, cmd *cmdline.Command) bool {
	if cmd == nil || e.Command != 0 && e.Command != n {
		return false
	}
	switch e.Kind {
	case ExpectPing:
		return !e.PingOK && cmd.Program == "ping"
	case ExpectHTTP:
		return e.Outcome != HTTPOK && IsHTTPClient(cmd)
	case ExpectTCP:
		return e.Outcome != TCPConnects && IsTCPClient(cmd)
	}
	return false
}

// IsHTTPClient reports whether the command is a curl or wget fetch, what
// an http: expectation checks.
func IsHTTPClient(c *cmdline.Command) bool {
	for _, o := range c.Ops {
		if _, ok := o.(*cmdline.HTTPGet); ok {
			return true
		}
	}
	return false
}

// IsTCPClient reports whether the command is an nc client over TCP
// ("nc HOST PORT" without -u), what a tcp: expectation checks.
func IsTCPClient(c *cmdline.Command) bool {
	for _, o := range c.Ops {
		if n, ok := o.(*cmdline.NcConnect); ok && !n.UDP {
			return true
		}
	}
	return false
}

// clientExpect checks that an http: or tcp: expectation has a client
// command of its kind to judge: the one its command: N names, or any of
// the step's.
func (v *validator) clientExpect(s *Step, e *Expect, is func(*cmdline.Command) bool, kind, none string) {
	n := 0
	for _, c := range s.Commands {
		if c.Parsed != nil && is(c.Parsed) {
			n++
		}
	}
	switch {
	case e.Command > len(s.Commands):
		v.el.add(e.commandPos.line, e.commandPos.col, "command %d is out of range: the step has %d command(s)", e.Command, len(s.Commands))
	case e.Command > 0 && s.Commands[e.Command-1].Parsed != nil && !is(s.Commands[e.Command-1].Parsed):
		v.el.add(e.commandPos.line, e.commandPos.col, "command %d (%q) is not %s", e.Command, s.Commands[e.Command-1].Text, kind)
	case e.Command == 0 && n == 0:
		v.el.add(e.Line, e.Col, "%s", none)
	}
}
