package capture

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// This file is the application traffic of the live comparison: an HTTP
// server started in one lab namespace, the real curl and wget run in
// another, a UDP request and answer, and TCP over 127.0.0.1 on lo.

// httpBody is what httpServe answers: two text lines, as netlab's own
// server's page has, so tcpdump -v prints the body's lines too.
const httpBody = "Hello from ns02\nYour request came from the lab\n"

// httpServe serves httpBody over HTTP at addr inside node until the test
// ends; the listener is opened in the namespace and stays there.
func httpServe(l *testLab, node, addr string) {
	l.t.Helper()
	network := "tcp4"
	if strings.HasPrefix(addr, "[") {
		network = "tcp6"
	}
	var ln net.Listener
	if err := l.do(node, func() (err error) { ln, err = net.Listen(network, addr); return }); err != nil {
		l.t.Fatalf("listen %s in %s: %v", addr, node, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, httpBody)
	})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	l.t.Cleanup(func() {
		srv.Close()
		<-done
	})
}

// realClient runs a real HTTP client (curl or wget) inside node with no
// proxy from the environment, and checks it got httpBody back.
func realClient(l *testLab, node string, args ...string) {
	l.t.Helper()
	if _, err := exec.LookPath(args[0]); err != nil {
		l.t.Skipf("%s not installed", args[0])
	}
	cmd := exec.Command(args[0], args[1:]...)
	// Only PATH: no http_proxy or wgetrc from the machine can send the
	// request anywhere but the lab address given.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := l.do(node, cmd.Start); err != nil {
		l.t.Fatalf("start %v in %s: %v", args, node, err)
	}
	if err := cmd.Wait(); err != nil {
		l.t.Fatalf("%v in %s: %v\n%s", args, node, err, errOut.String())
	}
	if out.String() != httpBody {
		l.t.Fatalf("%v in %s printed %q, want %q", args, node, out.String(), httpBody)
	}
}

// curlGet is curl fetching url, going through no proxy.
func curlGet(l *testLab, node, url string, extra ...string) {
	l.t.Helper()
	realClient(l, node, append([]string{"curl", "-sS", "--noproxy", "*", "--max-time", "5"}, append(extra, url)...)...)
}

// wgetGet is wget -qO- fetching url, going through no proxy.
func wgetGet(l *testLab, node, url string) {
	l.t.Helper()
	realClient(l, node, "wget", "-qO-", "--no-proxy", "--tries=1", "--timeout=5", url)
}

// udpAnswer opens a UDP socket at server:addr that answers the first
// datagram with answer, sends question to it from client and waits for
// the answer: an nc -u exchange both ways.
func udpAnswer(l *testLab, client, server, addr, question, answer string) {
	l.t.Helper()
	var pc net.PacketConn
	if err := l.do(server, func() (err error) { pc, err = net.ListenPacket("udp4", addr); return }); err != nil {
		l.t.Fatalf("listen udp %s in %s: %v", addr, server, err)
	}
	defer pc.Close()
	served := make(chan error, 1)
	go func() {
		pc.SetReadDeadline(time.Now().Add(3 * time.Second))
		buf := make([]byte, 512)
		_, from, err := pc.ReadFrom(buf)
		if err == nil {
			_, err = pc.WriteTo([]byte(answer), from)
		}
		served <- err
	}()
	var c net.Conn
	if err := l.do(client, func() (err error) { c, err = net.Dial("udp4", addr); return }); err != nil {
		l.t.Fatalf("dial udp %s from %s: %v", addr, client, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(question)); err != nil {
		l.t.Fatalf("udp to %s: %v", addr, err)
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != answer {
		l.t.Fatalf("udp answer from %s: %q, %v", addr, buf[:n], err)
	}
	if err := <-served; err != nil {
		l.t.Fatalf("udp server %s: %v", addr, err)
	}
}

// addr6 gives iface in node an IPv6 address with no duplicate address
// detection, so it can be used at once.
func addr6(l *testLab, node, iface, cidr string) {
	l.t.Helper()
	a, err := netlink.ParseAddr(cidr)
	if err != nil {
		l.t.Fatal(err)
	}
	a.Flags = unix.IFA_F_NODAD
	if err := l.node(node).nl.AddrAdd(l.link(node, iface), a); err != nil {
		l.t.Fatalf("add address %s to %s:%s: %v", cidr, node, iface, err)
	}
}

// upBridgeLab6 is upBridgeLab with documentation IPv6 addresses
// 2001:db8:88::11 and ::12 on veth01 and veth02.
func upBridgeLab6(l *testLab) {
	addr6(l, "ns01", "veth01", "2001:db8:88::11/64")
	addr6(l, "ns02", "veth02", "2001:db8:88::12/64")
	upBridgeLab(l)
}

// loopbackTCP connects to a listener on 127.0.0.1 inside node, sends
// payload, reads it back and closes: traffic that only lo carries.
func loopbackTCP(l *testLab, node, payload string) {
	l.t.Helper()
	tcpExchange(l, node, node, "127.0.0.1:40003", payload)
}

// TestHTTPLinesLive looks for the HTTP words themselves among our lines
// for a curl exchange: the comparison with tcpdump in
// TestLiveMatchesTcpdump would pass if neither printed them.
func TestHTTPLinesLive(t *testing.T) {
	l := bridgeLab(t)
	upBridgeLab(l)
	httpServe(l, "ns02", "192.168.88.12:80")
	c, err := Open([]Target{{Node: "ns01", NSPath: l.node("ns01").path(), Iface: "veth01"}}, Options{Filter: "tcp port 80"})
	if err != nil {
		t.Fatal(err)
	}
	curlGet(l, "ns01", "http://192.168.88.12/")
	time.Sleep(200 * time.Millisecond)
	c.Close()
	var plain, verbose []string
	for p := range c.Packets() {
		plain = append(plain, p.Summary(false))
		p.Verbose = 1
		verbose = append(verbose, p.Summary(false))
	}
	all, vall := strings.Join(plain, "\n"), strings.Join(verbose, "\n")
	for _, want := range []string{
		": HTTP: GET / HTTP/1.1",
		": HTTP: HTTP/1.1 200 OK",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no line has %q:\n%s", want, all)
		}
	}
	for _, want := range []string{
		": HTTP, length: ",
		"\n\tGET / HTTP/1.1\n\tHost: 192.168.88.12\n\tUser-Agent: curl/",
		"\n\tHTTP/1.1 200 OK\n\t",
		"\n\tContent-Length: " + strconv.Itoa(len(httpBody)) + "\n",
		"\n\tContent-Type: text/plain; charset=utf-8\n",
		"\n\t\n\tHello from ns02\n\tYour request came from the lab",
	} {
		if !strings.Contains(vall, want) {
			t.Errorf("-v: no line has %q:\n%s", want, vall)
		}
	}
	if len(plain) < 8 {
		t.Errorf("captured %d segments, want at least the handshake, request, response and close", len(plain))
	}
}
