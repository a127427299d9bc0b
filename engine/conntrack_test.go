package engine

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
)

// dnatLab is pairLab where the peer (192.0.2.2) publishes port 80 of a
// container namespace behind it, web (172.17.0.2), as port 8080, the way
// "docker run -p 8080:80" does: a DNAT rule in PREROUTING, forwarding on.
// With extras the peer counts bytes and stamps flows (nf_conntrack_acct
// and nf_conntrack_timestamp), so the optional fields of conntrack's
// output show too. A Go server in web answers each connection with a line and
// keeps it open until the test ends.
func dnatLab(t *testing.T, extras bool) *Session {
	t.Helper()
	s := pairLab(t)
	var lines []string
	if extras {
		lines = []string{"sysctl -w net.netfilter.nf_conntrack_acct=1", "sysctl -w net.netfilter.nf_conntrack_timestamp=1"}
	}
	st := step(t, "publish web:80 as 8080", append(lines,
		"ip netns add web",
		"ip link add veth0 type veth peer name eth0 netns web",
		"ip addr add 172.17.0.1/16 dev veth0",
		"ip link set veth0 up",
		"ip netns exec web ip addr add 172.17.0.2/16 dev eth0",
		"ip netns exec web ip link set eth0 up",
		"ip netns exec web ip route add default via 172.17.0.1",
		"sysctl -w net.ipv4.ip_forward=1",
		"iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80")...)
	st.Node = "peer"
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	path, err := s.NodePath("web")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener
	if err := ns.WithNetNSPath(path, func(ns.NetNS) error {
		var err error
		l, err = net.Listen("tcp4", "172.17.0.2:80")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var open []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			open = append(open, c)
			fmt.Fprintf(c, "hello from web\n")
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range open {
			c.Close()
		}
	})
	return s
}

// dial connects from a node to addr and reads the server's line; the
// connection stays open until the test ends, so its flow stays
// ESTABLISHED. It returns the local port.
func dial(t *testing.T, s *Session, node, addr string) int {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	var c net.Conn
	if err := ns.WithNetNSPath(path, func(ns.NetNS) error {
		var err error
		c, err = net.DialTimeout("tcp4", addr, 3*time.Second)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "hello from web\n" {
		t.Fatalf("read from %s: %q %v", addr, line, err)
	}
	return c.LocalAddr().(*net.TCPAddr).Port
}

// sendUDP sends one datagram from a node to addr, where nothing listens:
// its flow stays [UNREPLIED].
func sendUDP(t *testing.T, s *Session, node, addr string) {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.WithNetNSPath(path, func(ns.NetNS) error {
		c, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Write([]byte("x"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

var (
	ctTimeout   = regexp.MustCompile(`(?m)^(\S+ +\d+ )\d+ `)
	ctUse       = regexp.MustCompile(`use=\d+`)
	ctDeltaTime = regexp.MustCompile(`delta-time=(\d+)`)
)

// ctNormal blanks what changes between two reads of the same table: the
// timeout counts down, use counts references the dump itself may hold,
// and delta-time counts seconds (netlab's is checked to be small).
func ctNormal(t *testing.T, s string, netlab bool) string {
	if netlab {
		for _, m := range ctDeltaTime.FindAllStringSubmatch(s, -1) {
			if len(m[1]) > 2 {
				t.Errorf("delta-time=%s: a flow of this test is seconds old", m[1])
			}
		}
	}
	s = ctTimeout.ReplaceAllString(s, "${1}T ")
	s = ctUse.ReplaceAllString(s, "use=N")
	return ctDeltaTime.ReplaceAllString(s, "delta-time=N")
}

// netlab's conntrack -L prints what conntrack-tools 1.4.7 prints on the
// same table: the same flows in the same order, the same fields, the
// same count, the same exit status; only the timeout column, use and
// delta-time, which change between the two reads, are blanked. The lab
// runs twice: as it comes, and with byte counters and timestamps on.
func TestConntrackMatchesRealTool(t *testing.T) {
	for _, extras := range []bool{false, true} {
		t.Run(fmt.Sprintf("extras=%v", extras), func(t *testing.T) { compareConntrack(t, extras) })
	}
}

func compareConntrack(t *testing.T, extras bool) {
	s := dnatLab(t, extras)
	port := dial(t, s, "host", "192.0.2.2:8080")
	sendUDP(t, s, "host", "192.0.2.2:5353")
	if res := s.Run("host", mustParse(t, "ping -c 1 -W 2 192.0.2.2")); res.ExitCode != 0 {
		t.Fatalf("ping: %d\n%s", res.ExitCode, res.Output)
	}
	lines := []string{
		"conntrack -L",
		"conntrack -L conntrack",
		"conntrack -L -p tcp",
		"conntrack -L -p udp",
		"conntrack -L -p icmp",
		"conntrack -L -p tcp --dport 8080",
		"conntrack -L -p tcp --dport 80",
		fmt.Sprintf("conntrack -L -p tcp --sport %d", port),
		"conntrack -L -s 192.0.2.1",
		"conntrack -L -s 192.0.2.0/24 -d 192.0.2.2",
		"conntrack -L -d 172.17.0.2",
		"conntrack -L -r 172.17.0.2",
		"conntrack -L -q 192.0.2.1 -p icmp",
		"conntrack -L -g",
		"conntrack -L -n",
		"conntrack -L -j",
		"conntrack -L -n -g",
	}
	for _, node := range []string{"peer", "host", "web"} {
		for _, line := range lines {
			t.Run(node+" "+line, func(t *testing.T) {
				res := s.Run(node, mustParse(t, line))
				if res.Err != nil {
					t.Fatalf("netlab: %v", res.Err)
				}
				stdout, stderr, code := realClient(t, s, node, strings.Fields(line)...)
				got, want := ctNormal(t, res.Output, true), ctNormal(t, stdout+stderr, false)
				if got != want || res.ExitCode != code {
					t.Errorf("netlab (exit %d):\n%s\nreal (exit %d):\n%s", res.ExitCode, got, code, want)
				}
			})
		}
	}
}

// The flow of a DNAT'd connection shows the original tuple with the
// published address and port, and the reply tuple from the real server
// behind it; the count line comes last.
func TestConntrackShowsDNAT(t *testing.T) {
	s := dnatLab(t, false)
	port := dial(t, s, "host", "192.0.2.2:8080")
	res := s.Run("peer", mustParse(t, "conntrack -L -p tcp"))
	if res.Err != nil || res.ExitCode != 0 {
		t.Fatalf("conntrack: %v %d\n%s", res.Err, res.ExitCode, res.Output)
	}
	want := regexp.MustCompile(fmt.Sprintf(`^tcp      6 \d+ ESTABLISHED src=192\.0\.2\.1 dst=192\.0\.2\.2 sport=%d dport=8080 `+
		`src=172\.17\.0\.2 dst=192\.0\.2\.1 sport=80 dport=%d \[ASSURED\] mark=0 use=1\n`+
		`conntrack v1\.4\.7 \(conntrack-tools\): 1 flow entries have been shown\.\n$`, port, port))
	if !want.MatchString(res.Output) {
		t.Errorf("conntrack -L -p tcp on the peer:\n%s\nwant it to match %s", res.Output, want)
	}
	// The server's own namespace sees no NAT at all: it has no rule that
	// needs connection tracking, so its table stays empty.
	if res := s.Run("web", mustParse(t, "conntrack -L")); res.Output != "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n" {
		t.Errorf("conntrack -L in web:\n%s", res.Output)
	}
}

// conntrack words a failed dump as its err2str does, after its banner.
func TestConntrackErrText(t *testing.T) {
	for e, want := range map[int]string{
		95:  "Operation not supported",
		2:   "No such file or directory",
		1:   "sorry, you must be root or get CAP_NET_ADMIN capability to do this",
		22:  "invalid parameters",
		524: "function not implemented",
	} {
		if got := conntrackErrText(errnoOf(e)); got != want {
			t.Errorf("errno %d: %q, want %q", e, got, want)
		}
	}
}

func errnoOf(e int) syscall.Errno { return syscall.Errno(e) }
