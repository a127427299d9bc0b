package engine

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// peersOf lists the links in other nodes tied to n: veths whose peer
// lives in n, and vxlans and macvlans whose lower side does (link_net.go).
// They die when the kernel reaps n after "ip netns del".
func (s *Session) peersOf(n *Node) ([]DyingLink, error) {
	fd, err := openNS(n.Path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var dying []DyingLink
	for _, o := range s.st.Nodes {
		if o.Name == n.Name {
			continue
		}
		x, err := s.ctx(o.Name)
		if err != nil {
			return nil, err
		}
		id, err := x.h.GetNetNsIdByFd(fd)
		if err != nil || id < 0 {
			continue // o has no link into n
		}
		links, err := x.linkList()
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if l.Attrs().NetNsID == id {
				dying = append(dying, DyingLink{Node: o.Name, Index: l.Attrs().Index, Name: l.Attrs().Name})
			}
		}
	}
	return dying, nil
}

// awaitDying waits until the kernel has removed the links tied to deleted
// namespaces (see peersOf), so that snapshots never see a link that is about to vanish.
func (s *Session) awaitDying() error {
	deadline := time.Now().Add(5 * time.Second)
	for len(s.st.Dying) > 0 {
		d := s.st.Dying[0]
		x, err := s.ctx(d.Node)
		if err != nil {
			s.st.Dying = s.st.Dying[1:] // its node is gone too
			continue
		}
		if l, err := x.h.LinkByIndex(d.Index); err != nil || l.Attrs().Name != d.Name {
			x.view().stale() // unlisted, maybe not announced yet (node_view.go)
			s.st.Dying = s.st.Dying[1:]
			continue
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the kernel has not removed %s on %s 5 s after its peer's namespace was deleted", d.Name, d.Node)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

// Settle waits until the kernel has finished removing what deleted
// namespaces took with them (their veths' peers elsewhere), as the real
// "ip netns del" leaves it to do in the background, and until every
// link's carrier change has reached its operstate (settledLinks), so two
// reads of the lab that follow see the same links.
func (s *Session) Settle() error {
	if err := s.awaitDying(); err != nil {
		return err
	}
	s.settleForTraffic()
	return nil
}

// linkDeletes counts the deletions deleteLink left the kernel finishing.
var linkDeletes sync.WaitGroup

// waitLinkDeletes waits until the kernel has answered every deletion
// deleteLink left running (a benchmark, before it times anything else).
func waitLinkDeletes() { linkDeletes.Wait() }

// deleteLink deletes a link and returns as soon as the kernel has taken it
// off the node's list, not when the kernel has finished with it.
//
// The kernel unlists a device (its name and index are free, no dump
// shows it) early in RTM_DELLINK and answers only after it has also
// waited for RCU readers and for the device's last references (a
// bridge's takes tens of milliseconds, longer while a deleted
// namespace is being cleaned up). That wait changes nothing anyone can
// see, so the request goes out on its own socket and goroutine, and
// the command is over once the link is gone from the list or the
// kernel has answered, whichever comes first. A refused deletion is
// refused before the device is unlisted, so its error is never missed.
// Should netlab die meanwhile, the request is already the kernel's: it
// finishes without the process, and undo finds the link gone either way.
func (x *execCtx) deleteLink(l netlink.Link) error {
	defer x.view().stale() // unlisted before it is announced (node_view.go)
	fd, err := openNS(x.node.Path)
	if err != nil {
		return err
	}
	h, err := netlink.NewHandleAt(netns.NsHandle(fd), unix.NETLINK_ROUTE)
	unix.Close(fd)
	if err != nil {
		return x.h.LinkDel(l) // no second socket: the plain, waiting way
	}
	done := make(chan error, 1)
	linkDeletes.Add(1)
	go func() {
		defer linkDeletes.Done()
		err := h.LinkDel(l)
		h.Close()
		done <- err
	}()
	idx, name := l.Attrs().Index, l.Attrs().Name
	for wait := 50 * time.Microsecond; ; wait = min(2*wait, time.Millisecond) {
		select {
		case err := <-done:
			return err
		case <-time.After(wait):
		}
		if now, err := x.h.LinkByIndex(idx); err != nil && isNoDevice(err) || err == nil && now.Attrs().Name != name {
			return nil
		}
	}
}

// isNoDevice reports the kernel's "no such device" for a link asked by
// index.
func isNoDevice(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf) || errors.Is(err, unix.ENODEV)
}
