package engine

import (
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// request sends a hand-built rtnetlink request in the node's namespace
// and returns the answer's messages of type resType. It goes through the
// socket the node's cache opened in the namespace with its handle, which
// saves entering the namespace and opening a socket each time (a tenth
// of a millisecond); a context without one does both.
func (x *execCtx) request(req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	if c := x.cache(); c != nil && c.sock != nil {
		req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: c.sock} // the socket is locked while in use
		return req.Execute(unix.NETLINK_ROUTE, resType)
	}
	var msgs [][]byte
	err := x.do(func() error {
		var err error
		msgs, err = req.Execute(unix.NETLINK_ROUTE, resType)
		return err
	})
	return msgs, err
}

// openRequestSocket opens the socket request uses, in the calling
// thread's namespace; nil when it cannot.
func openRequestSocket() *nl.SocketHandle {
	s, err := nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE) // here, no switch
	if err != nil {
		return nil
	}
	s.SetSendTimeout(&nl.SocketTimeoutTv)
	s.SetReceiveTimeout(&nl.SocketTimeoutTv)
	return &nl.SocketHandle{Socket: s}
}
