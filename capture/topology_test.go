package capture

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// bridgeLab is the core lab: br01 192.168.88.1/24 in "host", ns01 and ns02
// on it through veth01/br-veth01 and veth02/br-veth02 at .11 and .12.
// Links stay down until upBridgeLab so a capture can see them come up.
func bridgeLab(t testing.TB) *testLab {
	l := newTestLab(t, "host", "ns01", "ns02")
	l.bridge("host", "br01")
	l.addr("host", "br01", "192.168.88.1/24")
	l.up("host", "br01")
	for _, c := range []struct{ ns, inner, outer, addr string }{
		{"ns01", "veth01", "br-veth01", "192.168.88.11/24"},
		{"ns02", "veth02", "br-veth02", "192.168.88.12/24"},
	} {
		l.veth("host", c.outer, c.ns, c.inner)
		l.master("host", c.outer, "br01")
		l.addr(c.ns, c.inner, c.addr)
	}
	return l
}

func upBridgeLab(l *testLab) {
	for _, c := range [][3]string{{"ns01", "veth01", "br-veth01"}, {"ns02", "veth02", "br-veth02"}} {
		l.up("host", c[2])
		l.up(c[0], c[1])
		l.defaultRoute(c[0], "192.168.88.1")
	}
	// Wait for the bridge ports to forward before the first ping.
	time.Sleep(100 * time.Millisecond)
}

// natLab adds to the bridge lab an "outside" namespace at 198.51.100.1
// reached through host:eth0 198.51.100.2, with ip_forward on and
// MASQUERADE for the lab subnet, as the seed tutorial ends up.
func natLab(t testing.TB) *testLab {
	l := bridgeLab(t)
	l.nodes["outside"] = newTestNode(t, "outside")
	l.veth("host", "eth0", "outside", "eth0")
	l.addr("host", "eth0", "198.51.100.2/24")
	l.addr("outside", "eth0", "198.51.100.1/24")
	l.up("host", "eth0")
	l.up("outside", "eth0")
	l.up("outside", "lo")
	l.mustRun("host", "sysctl", "-qw", "net.ipv4.ip_forward=1")
	l.mustRun("host", "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "192.168.88.0/24", "-j", "MASQUERADE")
	return l
}

// vxlanLab joins vtep1 and vtep2 over a veth underlay (203.0.113.1/.2 on
// ul0) with vxlan0, id 256, dstport 4789, carrying 192.168.88.11/.12.
func vxlanLab(t testing.TB) *testLab { return tunnelLab(t, "vxlan0", 256, 4789) }

// flannelLab is vxlanLab as flannel builds it: flannel.1, id 1, port 8472.
func flannelLab(t testing.TB) *testLab { return tunnelLab(t, "flannel.1", 1, 8472) }

// tunnelLab joins vtep1 and vtep2 over a veth underlay (203.0.113.1/.2 on
// ul0) with a vxlan device dev of id vni on UDP port, carrying
// 192.168.88.11/.12.
func tunnelLab(t testing.TB, dev string, vni, port int) *testLab {
	l := newTestLab(t, "vtep1", "vtep2")
	l.veth("vtep1", "ul0", "vtep2", "ul0")
	for i, n := range []string{"vtep1", "vtep2"} {
		local, remote := "203.0.113.1", "203.0.113.2"
		if i == 1 {
			local, remote = remote, local
		}
		l.addr(n, "ul0", local+"/24")
		l.mustRun(n, "sysctl", "-qw", "net.ipv6.conf.ul0.disable_ipv6=1")
		l.up(n, "ul0")
		l.vxlanOn(n, dev, vni, port, local, remote, "ul0")
		l.addr(n, dev, []string{"192.168.88.11/24", "192.168.88.12/24"}[i])
		l.mustRun(n, "sysctl", "-qw", "net.ipv6.conf."+strings.ReplaceAll(dev, ".", "/")+".disable_ipv6=1")
		l.up(n, dev)
	}
	return l
}

// sendUDP sends one datagram from node to addr (a closed port answers
// with ICMP port unreachable).
func sendUDP(l *testLab, node, addr, payload string) {
	l.t.Helper()
	err := l.do(node, func() error {
		c, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Write([]byte(payload))
		return err
	})
	if err != nil {
		l.t.Fatalf("udp from %s to %s: %v", node, addr, err)
	}
}

// tcpExchange opens a listener at server:addr, connects from client, sends
// payload each way and closes.
func tcpExchange(l *testLab, client, server, addr, payload string) {
	l.t.Helper()
	var ln net.Listener
	if err := l.do(server, func() (err error) { ln, err = net.Listen("tcp4", addr); return }); err != nil {
		l.t.Fatalf("listen %s in %s: %v", addr, server, err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err == nil {
			_, err = c.Write(buf[:n])
		}
		time.Sleep(50 * time.Millisecond)
		done <- err
	}()
	var c net.Conn
	if err := l.do(client, func() (err error) { c, err = net.Dial("tcp4", addr); return }); err != nil {
		l.t.Fatalf("dial %s from %s: %v", addr, client, err)
	}
	c.Write([]byte(payload))
	buf := make([]byte, 64)
	c.Read(buf)
	if err := <-done; err != nil {
		l.t.Fatalf("tcp server: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	c.Close()
	time.Sleep(50 * time.Millisecond)
}

// tcpRefused connects to a closed port so the peer answers with a reset.
func tcpRefused(l *testLab, client, addr string) {
	l.do(client, func() error {
		c, err := net.DialTimeout("tcp4", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return nil
	})
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// udpExchange opens a UDP socket at server:addr, sends payload to it from
// client and waits for it to arrive, so no port unreachable follows.
func udpExchange(l *testLab, client, server, addr, payload string) {
	l.t.Helper()
	var pc net.PacketConn
	if err := l.do(server, func() (err error) { pc, err = net.ListenPacket("udp4", addr); return }); err != nil {
		l.t.Fatalf("listen udp %s in %s: %v", addr, server, err)
	}
	defer pc.Close()
	sendUDP(l, client, addr, payload)
	pc.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 64)
	if _, _, err := pc.ReadFrom(buf); err != nil {
		l.t.Fatalf("udp to %s: %v", addr, err)
	}
}
