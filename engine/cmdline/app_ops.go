package cmdline

import (
	"net"
	"time"
)

// This file holds the operations of application traffic: clients that
// fetch or connect once (curl, wget, nc), and servers that outlive the
// command that started them (nc -l, busybox httpd, python3 -m http.server).

// HTTPGet is one fetch of a URL by curl or wget, done natively by netlab:
// the request carries the real tool's headers, and output, errors and
// exit statuses are the real tool's (curl 7.88.1, GNU Wget 1.21.3), as
// printed on a terminal: no progress meter, and lines end in "\n" where
// curl prints the server's "\r\n" (-I, -v).
//
// A lesson must end, so netlab bounds what the real tools leave open: a
// connection attempt gives up after ConnectTimeout or
// DefaultConnectTimeout (curl waits 300 s, wget as long as the kernel),
// the whole fetch after MaxTime or DefaultMaxTime (curl and wget have no
// limit), worded as curl words its own --connect-timeout and -m. wget
// tries once (GNU wget retries a timed-out connection 20 times) and does
// not follow redirections.
type HTTPGet struct {
	Tool           string        // "curl" or "wget": how output and errors are worded
	Host           string        // as written: an IPv4 address or a name
	Port           int           // 80 when the URL names none
	Path           string        // "/" when the URL names none
	Silent         bool          // curl -s, wget -q: no error messages
	ShowErrors     bool          // curl -S: error messages even with -s
	Verbose        bool          // curl -v
	Head           bool          // curl -I: HEAD, print the response headers
	MaxTime        time.Duration // curl -m/--max-time, 0 for DefaultMaxTime
	ConnectTimeout time.Duration // curl --connect-timeout, wget -T; 0 for DefaultConnectTimeout
	HostCol        int
}

// The limits netlab puts on a fetch the lab file leaves unbounded.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxTime        = 30 * time.Second
)

// NcConnect is "nc [-u] [-v] [-n] [-z] [-w S] HOST PORT": one connection.
// netlab's nc has no standard input: it sends nothing, shuts its sending
// side (as nc -N does at the end of its input) and prints what comes back
// until the peer closes or nothing arrives for Wait. -z connects and
// closes. With -u, -z sends nc's probe datagrams ("X") and reports a port
// refused by an ICMP error; without -z it waits for datagrams.
type NcConnect struct {
	Host    string
	Port    int
	UDP     bool          // -u
	Verbose bool          // -v
	Numeric bool          // -n: no name lookup, no service name
	Zero    bool          // -z: connect and close, send nothing
	Wait    time.Duration // -w, 0 for DefaultNcWait (nc itself waits forever)
	HostCol int
}

// DefaultNcWait is how long netlab's nc waits to connect and for data
// when the lab file gives no -w.
const DefaultNcWait = 5 * time.Second

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
