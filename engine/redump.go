package engine

import (
	"errors"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
)

// dumpTries bounds how many times a dump is asked (see redump).
const dumpTries = 5

// redump runs a netlink dump again while the kernel reports it
// interrupted: the table changed while it was being read across several
// messages (NLM_F_DUMP_INTR), so what came back may be inconsistent. A
// snapshot taken while the kernel settles a link by itself (its link
// watch, a dying namespace's devices) would otherwise fail on it.
func redump[T any](dump func() (T, error)) (T, error) {
	for try := 1; ; try++ {
		v, err := dump()
		if !errors.Is(err, nl.ErrDumpInterrupted) || try == dumpTries {
			return v, err
		}
	}
}

// linkList is the node's links, dumped as redump does.
func (x *execCtx) linkList() ([]netlink.Link, error) { return redump(x.h.LinkList) }

// addrList is link's addresses of family (every link's for nil).
func (x *execCtx) addrList(link netlink.Link, family int) ([]netlink.Addr, error) {
	return redump(func() ([]netlink.Addr, error) { return x.h.AddrList(link, family) })
}

// neighList is the neighbour entries of the link with index idx (0: all).
func (x *execCtx) neighList(idx, family int) ([]netlink.Neigh, error) {
	return redump(func() ([]netlink.Neigh, error) { return x.h.NeighList(idx, family) })
}

// routeList is the routes of family through link (every link's for nil).
func (x *execCtx) routeList(link netlink.Link, family int) ([]netlink.Route, error) {
	return redump(func() ([]netlink.Route, error) { return x.h.RouteList(link, family) })
}
