package engine

// This file holds name resolution for the clients (curl, wget, nc) and
// ping: an IPv4 literal is itself, a name is looked up in the node's
// names table (op_names.go), as a container's resolver reads its
// /etc/hosts and Docker's embedded DNS answers for a user-defined
// network. Nothing is ever asked of a real DNS server: a name the table
// lacks fails as a name no server knows.

import (
	"errors"
	"net"
)

// errNoSuchHost is a host that does not resolve; each tool words it.
var errNoSuchHost = errors.New("host does not resolve")

// resolve finds the IPv4 address of a host as a client in x's node would.
func resolve(x *execCtx, host string) (net.IP, error) {
	ip, _, err := resolveCanon(x, host)
	return ip, err
}

// resolveCanon is resolve that also returns the canonical name, the first
// name of the table's line (the host itself for an address).
func resolveCanon(x *execCtx, host string) (net.IP, string, error) {
	if ip := net.ParseIP(host).To4(); ip != nil {
		return ip, host, nil
	}
	if ip, canon, ok := x.s.lookupName(x.node.Name, host); ok {
		return ip, canon, nil
	}
	return nil, "", errNoSuchHost
}
