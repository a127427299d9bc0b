package runner

// This file judges the http: and tcp: expectations, on the facts the
// engine records of each client's run (engine.Client) rather than on the
// tool's words.

import (
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// judgeClients judges an http: or tcp: expectation on each curl and wget
// (or nc client) of the step, or on the one its command: N names. With no
// such command among the results, it fails: nothing was seen.
func judgeClients(e labs.Expect, results []engine.Result) []ExpectReport {
	isHTTP := e.Kind == labs.ExpectHTTP
	is := labs.IsTCPClient
	if isHTTP {
		is = labs.IsHTTPClient
	}
	var out []ExpectReport
	for i, r := range results {
		if r.Command == nil || r.Command.Source == nil || !is(r.Command.Source) || (e.Command > 0 && e.Command != i+1) {
			continue
		}
		rep := ExpectReport{What: clientWhat(e, q(r.Command.Text))}
		rep.OK = r.Client != nil && clientHolds(e, r.Client, r.Output)
		if !rep.OK {
			rep.Seen = clientSeen(r, isHTTP)
		}
		out = append(out, rep)
	}
	if len(out) == 0 {
		any := i18n.T("expect.http.any", "a curl or wget")
		if !isHTTP {
			any = i18n.T("expect.tcp.any", "an nc client")
		}
		out = append(out, ExpectReport{What: clientWhat(e, any), Seen: i18n.T("expect.client.none", "no such command ran")})
	}
	return out
}

// clientHolds reports whether a client's run is what e expects.
func clientHolds(e labs.Expect, c *engine.Client, output string) bool {
	var ok bool
	switch e.Outcome {
	case labs.HTTPOK:
		ok = c.Outcome == engine.ClientOK && c.Status > 0 && c.Status < 400
	case labs.HTTPError:
		ok = c.Outcome == engine.ClientOK && c.Status >= 400
	case labs.TCPConnects:
		ok = c.Outcome == engine.ClientOK && c.Connected
	case labs.HTTPRefused: // the same word for tcp:
		ok = c.Outcome == engine.ClientRefused
	case labs.HTTPTimeout:
		ok = c.Outcome == engine.ClientTimeout
	}
	return ok && (e.Status == 0 || c.Status == e.Status) && strings.Contains(output, e.Text)
}

// clientWhat is the expectation in words, for the command cmd (quoted).
func clientWhat(e labs.Expect, cmd string) string {
	var what string
	switch e.Outcome {
	case labs.HTTPOK:
		what = i18n.T("expect.http.ok", "{{.Command}} to get an HTTP answer", "Command", cmd)
	case labs.HTTPError:
		what = i18n.T("expect.http.error", "{{.Command}} to get an HTTP error status", "Command", cmd)
	case labs.TCPConnects:
		what = i18n.T("expect.tcp.connects", "{{.Command}} to connect", "Command", cmd)
	case labs.HTTPRefused:
		what = i18n.T("expect.client.refused", "{{.Command}} to be refused", "Command", cmd)
	case labs.HTTPTimeout:
		what = i18n.T("expect.client.timeout", "{{.Command}} to time out", "Command", cmd)
	}
	if e.Status != 0 { // with ok or error, which the status tells apart
		what = i18n.T("expect.http.status", "{{.Command}} to get an HTTP answer with status {{.Status}}", "Command", cmd, "Status", e.Status)
	}
	if e.Text != "" {
		what = i18n.T("expect.http.contains", "{{.Expect}} containing {{.Text}}", "Expect", what, "Text", q(e.Text))
	}
	return what
}

// clientSeen says what a client met and what it printed.
func clientSeen(r engine.Result, isHTTP bool) string {
	met := clientMet(r, isHTTP)
	if r.Client == nil {
		return met
	}
	out := lastLines(r.Output, 3)
	if out == "" {
		return i18n.T("expect.client.silent", "{{.Outcome}}, and it printed nothing", "Outcome", met)
	}
	return i18n.T("expect.client.printed", "{{.Outcome}}; it printed: {{.Output}}", "Outcome", met, "Output", out)
}

// clientMet is how a client's run went, in words.
func clientMet(r engine.Result, isHTTP bool) string {
	c := r.Client
	if c == nil {
		if r.Err != nil {
			return i18n.T("expect.client.error", "it could not run: {{.Err}}", "Err", r.Err.Error())
		}
		return i18n.T("expect.client.unknown", "netlab does not know how its connection went")
	}
	switch c.Outcome {
	case engine.ClientOK:
		if isHTTP {
			return i18n.T("expect.client.answer", "it got an HTTP answer with status {{.Status}}", "Status", c.Status)
		}
		return i18n.T("expect.client.connected", "it connected")
	case engine.ClientRefused:
		return i18n.T("expect.client.was_refused", "its connection was refused")
	case engine.ClientTimeout:
		if c.Connected {
			return i18n.T("expect.client.answer_timeout", "it connected, but no whole answer came in time")
		}
		return i18n.T("expect.client.timed_out", "its connection timed out")
	case engine.ClientUnreachable:
		return i18n.T("expect.client.unreachable", "it could not reach the host: no route, or the host is unreachable")
	case engine.ClientUnresolved:
		return i18n.T("expect.client.unresolved", "the host's name did not resolve")
	case engine.ClientBroken:
		return i18n.T("expect.client.broken", "it connected, but the answer was empty, cut short or not HTTP")
	case engine.ClientCancelled:
		return i18n.T("expect.client.cancelled", "it was cancelled")
	}
	return i18n.T("expect.client.failed", "its connection failed")
}
