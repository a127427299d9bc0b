package engine

import (
	"fmt"
	"time"

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
		links, err := x.h.LinkList()
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
// "ip netns del" leaves it to do in the background.
func (s *Session) Settle() error { return s.awaitDying() }
