package engine

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/netlab/netlab/engine/ns"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// floorSeed issues the seed-001 sequence's kernel operations directly, in
// the lab host at dir/netns/host (made beforehand, as the engine's is):
// netlink calls, namespace files made and removed as "ip netns" does, one
// ICMP echo, a sysctl file written, and one "iptables-restore --noflush"
// per step that changes rules. No parsing, no snapshot, no journal: the
// physical limit the engine is compared with. The bridge is deleted as the
// engine deletes links, without waiting for the kernel's tail of it
// (dying.go), so the floor stays below the engine. The two reads whose output a
// step shows through a program of its own (iptables -nL) run it as the
// engine does.
func floorSeed(dir string) error {
	hostPath := nsPath(dir, "host")
	ns1, ns2 := nsPath(dir, "ns01"), nsPath(dir, "ns02")
	host, err := handleAt(hostPath)
	if err != nil {
		return err
	}
	defer host.Close()
	ip := func(s string) *netlink.Addr {
		a, err := netlink.ParseAddr(s)
		if err != nil {
			panic(err)
		}
		a.Broadcast = net.IPv4(192, 168, 88, 255)
		return a
	}
	// step 1: the bridge, up, with its address
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br01"}}
	if err := host.LinkAdd(br); err != nil {
		return err
	}
	if err := host.LinkSetUp(br); err != nil {
		return err
	}
	if err := host.AddrAdd(br, ip("192.168.88.1/24")); err != nil {
		return err
	}
	// step 2: two namespaces, listed
	for _, p := range []string{ns1, ns2} {
		if err := createNS(p, false); err != nil {
			return err
		}
	}
	if _, err := os.ReadDir(nsPath(dir, "")); err != nil {
		return err
	}
	// step 3: two veth pairs
	for _, n := range []string{"01", "02"} {
		v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "veth" + n}, PeerName: "br-veth" + n}
		if err := host.LinkAdd(v); err != nil {
			return err
		}
	}
	// step 4: the bridge ends become ports, listed
	for _, n := range []string{"br-veth01", "br-veth02"} {
		l, err := host.LinkByName(n)
		if err != nil {
			return err
		}
		if err := host.LinkSetMasterByIndex(l, br.Index); err != nil {
			return err
		}
	}
	if _, err := host.LinkList(); err != nil {
		return err
	}
	// step 5: ports up
	for _, n := range []string{"br-veth01", "br-veth02"} {
		if err := host.LinkSetUp(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Name: n}}); err != nil {
			return err
		}
	}
	// step 6: the other ends into the namespaces
	for i, p := range []string{ns1, ns2} {
		fd, err := netns.GetFromPath(p)
		if err != nil {
			return err
		}
		l, err := host.LinkByName(fmt.Sprintf("veth0%d", i+1))
		if err == nil {
			err = host.LinkSetNsFd(l, int(fd))
		}
		fd.Close()
		if err != nil {
			return err
		}
	}
	// step 7: inside each namespace: up, address, default route
	var h1 *netlink.Handle
	for i, p := range []string{ns1, ns2} {
		h, err := handleAt(p)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("veth0%d", i+1)
		l, err := h.LinkByName(name)
		if err == nil {
			err = h.LinkSetUp(l)
		}
		if err == nil {
			err = h.AddrAdd(l, ip(fmt.Sprintf("192.168.88.1%d/24", i+1)))
		}
		if err == nil {
			err = h.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: net.IPv4(192, 168, 88, 1)})
		}
		if err != nil {
			h.Close()
			return err
		}
		if i == 0 {
			h1 = h
			defer func() {
				if h1 != nil { // left on an early return
					h1.Close()
				}
			}()
		} else {
			h.Close()
		}
	}
	// step 8: one echo from ns01 to ns02, then ns01's neighbour table.
	// The ports must be running first: the kernel drops what a link sends
	// before its link watch has run (an ARP request lost costs a second).
	if err := floorRunning(hostPath, "br-veth01", "br-veth02"); err != nil {
		return err
	}
	if err := floorRunning(ns1, "veth01"); err != nil {
		return err
	}
	if err := floorRunning(ns2, "veth02"); err != nil {
		return err
	}
	if err := floorPing(ns1, net.IPv4(192, 168, 88, 12)); err != nil {
		return err
	}
	_, err = h1.NeighList(0, netlink.FAMILY_V4)
	// Closed at once, as the engine drops a node's handle when its
	// namespace is deleted: a socket left open in ns01 would keep it
	// alive past "ip netns del", and its teardown out of the floor's time.
	h1.Close()
	h1 = nil
	if err != nil {
		return err
	}
	// step 9: forwarding on
	if err := ns.WithNetNSPath(hostPath, func(ns.NetNS) error {
		return os.WriteFile("/proc/sys/net/ipv4/conf/all/forwarding", []byte("1\n"), 0)
	}); err != nil {
		return err
	}
	// step 10: the MASQUERADE rule, listed
	if err := floorRestore(hostPath, "-A"); err != nil {
		return err
	}
	if err := ns.WithNetNSPath(hostPath, func(ns.NetNS) error {
		return exec.Command("iptables", "-t", "nat", "-nL", "--line-numbers").Run()
	}); err != nil {
		return err
	}
	// step 11: clean up
	for _, p := range []string{ns1, ns2} {
		if err := removeNS(p, false); err != nil {
			return err
		}
	}
	if err := host.LinkSetDown(br); err != nil {
		return err
	}
	// As the engine deletes a link (deleteLink): done once the kernel has
	// unlisted it, the kernel's own wait after that left running.
	if err := (&execCtx{node: &Node{Name: "host", Path: hostPath}, h: host}).deleteLink(br); err != nil {
		return err
	}
	return floorRestore(hostPath, "-D")
}

func handleAt(path string) (*netlink.Handle, error) {
	fd, err := netns.GetFromPath(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	return netlink.NewHandleAt(fd)
}

// floorRestore adds or deletes the seed's MASQUERADE rule with one
// iptables-restore --noflush.
func floorRestore(hostPath, verb string) error {
	in := "*nat\n" + verb + " POSTROUTING -s 192.168.88.0/24 -j MASQUERADE\nCOMMIT\n"
	return ns.WithNetNSPath(hostPath, func(ns.NetNS) error {
		c := exec.Command("iptables-restore", "--noflush")
		c.Stdin = strings.NewReader(in)
		out, err := c.CombinedOutput()
		if err != nil {
			return fmt.Errorf("iptables-restore: %v: %s", err, out)
		}
		return nil
	})
}

// floorPing sends one ICMP echo from the namespace and waits for its reply.
func floorPing(path string, dst net.IP) error {
	var conn *icmp.PacketConn
	if err := ns.WithNetNSPath(path, func(ns.NetNS) error {
		var err error
		conn, err = icmp.ListenPacket("ip4:icmp", "0.0.0.0")
		return err
	}); err != nil {
		return err
	}
	defer conn.Close()
	msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: 4242, Seq: 1, Data: make([]byte, 56)}}
	wb, _ := msg.Marshal(nil)
	if _, err := conn.WriteTo(wb, &net.IPAddr{IP: dst}); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1500)
	for {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			return err
		}
		m, err := icmp.ParseMessage(1, buf[:n])
		if err == nil && m.Type == ipv4.ICMPTypeEchoReply {
			if e, ok := m.Body.(*icmp.Echo); ok && e.ID == 4242 {
				return nil
			}
		}
	}
}

// floorRunning waits until the named links' operstate is UP.
func floorRunning(path string, names ...string) error {
	h, err := handleAt(path)
	if err != nil {
		return err
	}
	defer h.Close()
	deadline := time.Now().Add(2 * time.Second)
	for _, n := range names {
		for {
			l, err := h.LinkByName(n)
			if err != nil {
				return err
			}
			if l.Attrs().OperState == netlink.OperUp {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s is not running after 2 s", n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}
