package cmdline

import (
	"net"
	"strings"
)

// This file holds the names of a node: the one line netlab appends to
// /etc/hosts, `echo "IP NAME [ALIAS...]" >> /etc/hosts` (what Docker's
// --link writes into a container), and the rule for what a host name is.

// HostsAdd is `echo "IP NAME [ALIAS...]" >> /etc/hosts`: one line added
// to the node's names table. It never writes a file: the table is the
// engine's state of the node.
type HostsAdd struct {
	Addr     net.IP   // the IPv4 address the names stand for
	Names    []string // the name, then its aliases, as written
	NamesCol []int    // the column of each name within the line
}

// Mutating is true: the node's names table is state that undo restores.
func (*HostsAdd) Mutating() bool { return true }

func (*HostsAdd) op() {}

// HostsFile is the one file a line of a lab may append to.
const HostsFile = "/etc/hosts"

// maxHostNames bounds the names of one line (glibc reads up to 35
// aliases; a lab needs a handful).
const maxHostNames = 16

// IsHostName reports whether s is a host name as a lab may write one:
// dot-separated labels of letters, digits and '-', each 1-63 characters
// and not starting or ending with '-', 253 characters at most, and not
// made of digits and dots alone (that is an address, or a bad one).
func IsHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	digits := true
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case c >= '0' && c <= '9':
			case c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
				digits = false
			default:
				return false
			}
		}
	}
	return !digits
}

// parseHostsLine reads the quoted value of `echo "IP NAME [ALIAS...]" >>
// /etc/hosts`: an IPv4 address and one or more host names. v.col is the
// opening quote's column; the value's characters follow it one by one
// (a quoted word holds no escapes).
func parseHostsLine(v token) (*HostsAdd, error) {
	type word struct {
		s   string
		col int
	}
	var words []word
	start := -1
	runes := []rune(v.s)
	for i := 0; i <= len(runes); i++ {
		if i < len(runes) && runes[i] != ' ' && runes[i] != '\t' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = append(words, word{string(runes[start:i]), v.col + 1 + start})
			start = -1
		}
	}
	if len(words) < 2 {
		return nil, errAt(v, "%q is not a hosts line: write an IPv4 address and a name, as in \"172.17.0.2 web\"", v.s)
	}
	ip := net.ParseIP(words[0].s)
	if ip == nil || ip.To4() == nil {
		return nil, errAt(token{words[0].s, words[0].col}, "%q is not an IPv4 address: a hosts line starts with the address its names stand for", words[0].s)
	}
	if len(words)-1 > maxHostNames {
		return nil, errAt(token{words[maxHostNames+1].s, words[maxHostNames+1].col}, "a hosts line takes at most %d names", maxHostNames)
	}
	a := &HostsAdd{Addr: ip.To4()}
	for _, w := range words[1:] {
		if !IsHostName(w.s) {
			return nil, errAt(token{w.s, w.col}, "%q is not a host name (letters, digits, '-' and '.', as DNS names are written)", w.s)
		}
		a.Names = append(a.Names, w.s)
		a.NamesCol = append(a.NamesCol, w.col)
	}
	return a, nil
}
