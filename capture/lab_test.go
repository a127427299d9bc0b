package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/netlab/netlab/engine/privtest"
)

// requirePrivileged skips a test that needs root, except in CI where a
// privileged test must run.
func requirePrivileged(t testing.TB) { t.Helper(); privtest.Need(t) }

// testNode is one throwaway network namespace of a test lab.
type testNode struct {
	name string
	ns   netns.NsHandle
	nl   *netlink.Handle
}

// path names the namespace as a file, the way the engine hands it over.
func (n *testNode) path() string {
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), int(n.ns))
}

// testLab is a set of throwaway namespaces, gone when the test ends.
type testLab struct {
	t     testing.TB
	nodes map[string]*testNode
}

func newTestLab(t testing.TB, names ...string) *testLab {
	t.Helper()
	requirePrivileged(t)
	l := &testLab{t: t, nodes: map[string]*testNode{}}
	t.Cleanup(func() {
		for _, n := range l.nodes {
			n.nl.Close()
			n.ns.Close()
		}
	})
	for _, name := range names {
		l.nodes[name] = newTestNode(t, name)
		l.up(name, "lo")
	}
	return l
}

func newTestNode(t testing.TB, name string) *testNode {
	t.Helper()
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		t.Fatalf("get namespace: %v", err)
	}
	defer orig.Close()
	ns, err := netns.New()
	if err != nil {
		runtime.UnlockOSThread()
		t.Fatalf("new namespace %q: %v", name, err)
	}
	if err := netns.Set(orig); err != nil {
		t.Fatalf("switch back from %q: %v", name, err) // thread stays locked and dies
	}
	runtime.UnlockOSThread()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatalf("netlink handle in %q: %v", name, err)
	}
	return &testNode{name: name, ns: ns, nl: h}
}

func (l *testLab) node(name string) *testNode {
	n, ok := l.nodes[name]
	if !ok {
		l.t.Fatalf("no node %q", name)
	}
	return n
}

func (l *testLab) link(node, iface string) netlink.Link {
	l.t.Helper()
	lk, err := l.node(node).nl.LinkByName(iface)
	if err != nil {
		l.t.Fatalf("link %s:%s: %v", node, iface, err)
	}
	return lk
}

// veth creates a veth pair aNode:aIf <-> bNode:bIf, both down.
func (l *testLab) veth(aNode, aIf, bNode, bIf string) {
	l.t.Helper()
	a := l.node(aNode)
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: aIf}, PeerName: bIf,
		PeerNamespace: netlink.NsFd(int(l.node(bNode).ns))}
	if err := a.nl.LinkAdd(v); err != nil {
		l.t.Fatalf("add veth %q: %v", aIf, err)
	}
}

func (l *testLab) bridge(node, name string) {
	l.t.Helper()
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name}}
	if err := l.node(node).nl.LinkAdd(br); err != nil {
		l.t.Fatalf("add bridge %q: %v", name, err)
	}
}

func (l *testLab) master(node, iface, br string) {
	l.t.Helper()
	if err := l.node(node).nl.LinkSetMaster(l.link(node, iface), l.link(node, br)); err != nil {
		l.t.Fatalf("set master of %q: %v", iface, err)
	}
}

func (l *testLab) vxlan(node, name string, vni int, local, remote, dev string) {
	l.t.Helper()
	l.vxlanOn(node, name, vni, 4789, local, remote, dev)
}

// vxlanOn is vxlan with its UDP port: flannel's is 8472.
func (l *testLab) vxlanOn(node, name string, vni, port int, local, remote, dev string) {
	l.t.Helper()
	vx := &netlink.Vxlan{LinkAttrs: netlink.LinkAttrs{Name: name}, VxlanId: vni,
		SrcAddr: net.ParseIP(local), Group: net.ParseIP(remote), Port: port,
		VtepDevIndex: l.link(node, dev).Attrs().Index, Learning: true}
	if err := l.node(node).nl.LinkAdd(vx); err != nil {
		l.t.Fatalf("add vxlan %q: %v", name, err)
	}
}

func (l *testLab) addr(node, iface, cidr string) {
	l.t.Helper()
	a, err := netlink.ParseAddr(cidr)
	if err != nil {
		l.t.Fatal(err)
	}
	if err := l.node(node).nl.AddrAdd(l.link(node, iface), a); err != nil {
		l.t.Fatalf("add address %s to %s:%s: %v", cidr, node, iface, err)
	}
}

func (l *testLab) up(node, iface string) {
	l.t.Helper()
	if err := l.node(node).nl.LinkSetUp(l.link(node, iface)); err != nil {
		l.t.Fatalf("set %s:%s up: %v", node, iface, err)
	}
}

func (l *testLab) defaultRoute(node, gw string) {
	l.t.Helper()
	r := &netlink.Route{Gw: net.ParseIP(gw)}
	if err := l.node(node).nl.RouteAdd(r); err != nil {
		l.t.Fatalf("add default route via %s in %s: %v", gw, node, err)
	}
}

// do runs fn on a locked thread inside node's namespace.
func (l *testLab) do(node string, fn func() error) error {
	return inNamespace(l.node(node).path(), fn)
}

// start starts a program inside node's namespace.
func (l *testLab) start(node string, cmd *exec.Cmd) {
	l.t.Helper()
	if err := l.do(node, cmd.Start); err != nil {
		l.t.Fatalf("start %v in %s: %v", cmd.Args, node, err)
	}
}

// run runs a program inside node's namespace and returns its output.
func (l *testLab) run(node string, args ...string) (string, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := l.do(node, cmd.Start); err != nil {
		return "", err
	}
	err := cmd.Wait()
	return out.String(), err
}

func (l *testLab) mustRun(node string, args ...string) string {
	l.t.Helper()
	out, err := l.run(node, args...)
	if err != nil {
		l.t.Fatalf("%s: %v: %v\n%s", node, args, err, out)
	}
	return out
}

// tcpdump is a tcpdump process the test started.
type tcpdump struct {
	cmd       *exec.Cmd
	mu        sync.Mutex
	out       bytes.Buffer
	done      chan struct{}
	countOnly bool // count lines instead of keeping them
	lines     int
}

// startTcpdump runs tcpdump with args inside node and returns once it
// prints "listening on".
func (l *testLab) startTcpdump(node string, args ...string) *tcpdump {
	l.t.Helper()
	return l.startTcpdumpMode(node, false, args...)
}

// startTcpdumpMode is startTcpdump; with countOnly, stop returns "" and
// lines counts what tcpdump printed.
func (l *testLab) startTcpdumpMode(node string, countOnly bool, args ...string) *tcpdump {
	l.t.Helper()
	td := &tcpdump{cmd: exec.Command("tcpdump", args...), done: make(chan struct{}), countOnly: countOnly}
	stdout, err := td.cmd.StdoutPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	stderr, err := td.cmd.StderrPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	l.start(node, td.cmd)
	go func() {
		defer close(td.done)
		buf := make([]byte, 64<<10)
		for {
			n, err := stdout.Read(buf)
			td.mu.Lock()
			if td.countOnly {
				td.lines += bytes.Count(buf[:n], []byte{'\n'})
			} else {
				td.out.Write(buf[:n])
			}
			td.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	listening := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var seen []string
		for sc.Scan() {
			seen = append(seen, sc.Text())
			if strings.Contains(sc.Text(), "listening on") {
				listening <- nil
				io.Copy(io.Discard, stderr)
				return
			}
		}
		listening <- fmt.Errorf("tcpdump exited: %s", strings.Join(seen, "; "))
	}()
	select {
	case err := <-listening:
		if err != nil {
			td.cmd.Process.Kill()
			td.cmd.Wait()
			l.t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		td.cmd.Process.Kill()
		td.cmd.Wait()
		l.t.Fatal("tcpdump did not start listening")
	}
	l.t.Cleanup(func() { td.stop() })
	return td
}

// stop sends SIGINT to the tcpdump the test started, waits for it and
// returns what it printed on stdout.
func (td *tcpdump) stop() string {
	if td.cmd.ProcessState == nil {
		td.cmd.Process.Signal(syscall.SIGINT)
		<-td.done
		td.cmd.Wait()
	}
	td.mu.Lock()
	defer td.mu.Unlock()
	return td.out.String()
}

// rusage is the CPU time tcpdump used, valid after stop.
func (td *tcpdump) cpu() time.Duration {
	return td.cmd.ProcessState.UserTime() + td.cmd.ProcessState.SystemTime()
}
