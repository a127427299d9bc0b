package cmdline

import (
	"net"
	"time"
)

// This file holds the operations of application traffic: clients that
// fetch or connect once (curl, wget, nc), and servers that outlive the
// command that started them (nc -l, busybox httpd, python3 -m http.server).

// HTTPGet is one fetch of a URL by curl or wget, done natively by netlab.
type HTTPGet struct {
	Tool           string        // "curl" or "wget": how output and errors are worded
	Host           string        // as written: an IPv4 address or a name
	Port           int           // 80 when the URL names none
	Path           string        // "/" when the URL names none
	Silent         bool          // curl -s, wget -q
	Verbose        bool          // curl -v
	Head           bool          // curl -I
	MaxTime        time.Duration // curl -m, 0 for none
	ConnectTimeout time.Duration // curl --connect-timeout, 0 for none
	HostCol        int
}

// NcConnect is "nc [-u] [-v] [-z] [-w S] HOST PORT": one connection that
// sends a line and prints what comes back.
type NcConnect struct {
	Host    string
	Port    int
	UDP     bool          // -u
	Verbose bool          // -v
	Zero    bool          // -z: connect and close, send nothing
	Wait    time.Duration // -w, 0 for netlab's default
	HostCol int
}

// Serve starts a server in the node's namespace that outlives the
// command: "nc -l", "busybox httpd", "python3 -m http.server".
type Serve struct {
	Kind    string // ServeNc, ServeHttpd or ServePython
	Proto   string // "tcp" or "udp"
	Bind    net.IP // the address listened on, nil for any
	Port    int
	Keep    bool // nc -k: go on accepting after a client leaves (httpd always does)
	PortCol int
}

// Server kinds, as the what-changed list names them.
const (
	ServeNc     = "nc"
	ServeHttpd  = "httpd"
	ServePython = "http.server"
)

// Mutating is false: a fetch changes no state.
func (*HTTPGet) Mutating() bool { return false }

// Mutating is false: a connection changes no state.
func (*NcConnect) Mutating() bool { return false }

// Mutating is true: a listening server is state of its node, which undo
// stops and the snapshot shows.
func (*Serve) Mutating() bool { return true }

func (*HTTPGet) op()   {}
func (*NcConnect) op() {}
func (*Serve) op()     {}
