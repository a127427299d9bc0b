package engine

// This file holds name resolution for the clients (curl, wget, nc). There
// is no name table yet: only IPv4 literals resolve, and a name fails as it
// would in a namespace without a resolver. A name table extends resolve.

import (
	"errors"
	"net"
)

// errNoSuchHost is a host that does not resolve; each tool words it.
var errNoSuchHost = errors.New("host does not resolve")

// resolve finds the IPv4 address of a host as a client in x's node would.
func resolve(x *execCtx, host string) (net.IP, error) {
	if ip := net.ParseIP(host).To4(); ip != nil {
		return ip, nil
	}
	return nil, errNoSuchHost
}
