package labs

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// httpExpect reads {http: ok|refused|timeout|error} with its optional
// command number, status and contains.
func (y *yamlLoader) httpExpect(e *Expect, m map[string]*yaml.Node) bool {
	v := m["http"]
	s, good := y.str(v, "http")
	if !good {
		return false
	}
	ok := true
	switch s {
	case HTTPOK, HTTPRefused, HTTPTimeout, HTTPError:
		e.Outcome = s
	default:
		y.el.add(v.Line, v.Column, "http must be ok, refused, timeout or error, not %q", s)
		ok = false
	}
	if !y.commandNumber(e, m) {
		ok = false
	}
	answered := s == HTTPOK || s == HTTPError
	if st := m["status"]; st != nil {
		text, _ := y.str(st, "status")
		code, err := strconv.Atoi(text)
		switch {
		case err != nil || code < 100 || code > 599:
			y.el.add(st.Line, st.Column, "status must be an HTTP status code from 100 to 599, like 200 or 404, not %q", text)
			ok = false
		case e.Outcome != "" && !answered:
			y.el.add(st.Line, st.Column, "status checks the answer, and a fetch that %s gets none: leave status out", fate(s))
			ok = false
		case s == HTTPOK && code >= 400:
			y.el.add(st.Line, st.Column, "status %d is an error status: expect it with http: error", code)
			ok = false
		case s == HTTPError && code < 400:
			y.el.add(st.Line, st.Column, "status %d is not an error status: expect it with http: ok", code)
			ok = false
		default:
			e.Status = code
		}
	}
	if c := m["contains"]; c != nil {
		text, good := y.str(c, "contains")
		switch {
		case !good:
			ok = false
		case strings.TrimSpace(text) == "":
			y.el.add(c.Line, c.Column, "contains needs a text: every output contains the empty text")
			ok = false
		case e.Outcome != "" && !answered:
			y.el.add(c.Line, c.Column, "contains checks what the answer holds, and a fetch that %s gets none: leave contains out", fate(s))
			ok = false
		default:
			e.Text = text
		}
	}
	return ok
}

// tcpExpect reads {tcp: connects|refused|timeout} with its optional
// command number.
func (y *yamlLoader) tcpExpect(e *Expect, m map[string]*yaml.Node) bool {
	v := m["tcp"]
	s, good := y.str(v, "tcp")
	if !good {
		return false
	}
	ok := true
	switch s {
	case TCPConnects, TCPRefused, TCPTimeout:
		e.Outcome = s
	default:
		y.el.add(v.Line, v.Column, "tcp must be connects, refused or timeout, not %q", s)
		ok = false
	}
	return y.commandNumber(e, m) && ok
}

// fate is how an error message says what happens to a fetch that gets no
// answer ("a fetch that is refused").
func fate(outcome string) string {
	if outcome == HTTPTimeout {
		return "times out"
	}
	return "is " + outcome
}
