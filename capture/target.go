package capture

import (
	"fmt"
	"strings"
)

// Target names one interface of one lab node: the node's label, the file
// its network namespace is bound to (e.g. /run/netlab/netns/ns01; empty
// for the caller's own namespace) and the interface inside it.
type Target struct {
	Node   string
	NSPath string
	Iface  string
	// Host is the lab host the node is on, set when the lab has more
	// than one: lines then name it (see Where). Empty otherwise.
	Host string
	// LinkLevel prints this interface's packets with their Ethernet
	// addresses, as tcpdump -e (a lab step's "tcpdump -e -i IFACE").
	LinkLevel bool
}

// String is the node:iface label a lab file and a student use.
func (t Target) String() string { return t.Node + ":" + t.Iface }

// Where is the label capture lines carry: String, with a namespace's node
// written NAME@HOST when the lab has several hosts ("c2@host2:eth0"), the
// form netlab exec, shell and capture take, so a merged stream says which
// machine each packet crossed and a label can be copied back as a
// target. A host's own interfaces already name it ("host2:eth0").
func (t Target) Where() string { return where(t.Host, t.Node, t.Iface) }

func where(host, node, iface string) string {
	if host == "" || host == node || strings.HasSuffix(node, "@"+host) {
		return node + ":" + iface
	}
	return node + "@" + host + ":" + iface
}

// ParseTarget splits what a student types, "ns01:veth01" or "br01", into
// node and interface; a bare interface belongs to defaultNode.
func ParseTarget(s string, defaultNode string) (node, iface string, err error) {
	node, iface = defaultNode, s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		node, iface = s[:i], s[i+1:]
		if node == "" {
			return "", "", fmt.Errorf("capture target %q: empty node before \":\"", s)
		}
	}
	if iface == "" {
		return "", "", fmt.Errorf("capture target %q: no interface (want NODE:IFACE or IFACE)", s)
	}
	if strings.ContainsAny(iface, ":/ ") || len(iface) > 15 {
		return "", "", fmt.Errorf("capture target %q: bad interface name %q", s, iface)
	}
	if node == "" {
		return "", "", fmt.Errorf("capture target %q: no node given and no default", s)
	}
	return node, iface, nil
}
