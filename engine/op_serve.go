package engine

// This file holds the servers a lab starts as a kernel object of their
// node: "nc -l", "busybox httpd -f -p PORT" and "python3 -m http.server"
// listen in the node until the step that started them is undone or the
// lab is reset. A snapshot records the live ones, so the what-changed
// list shows "+ ns01 listen tcp 0.0.0.0:80 (httpd)" and undo stops (or
// starts again) exactly what differs. The process itself is
// server_main.go; records and lifecycle are server.go.

import (
	"fmt"
	"strconv"

	"github.com/netlab/netlab/engine/cmdline"
)

// serveOp starts a server in the node's namespace that outlives the
// command.
type serveOp struct{ cmdline.Serve }

func (a *serveOp) snap() ServerSnap {
	v := ServerSnap{Kind: a.Kind, Proto: a.Proto, Port: a.Port, Keep: a.Keep}
	if a.Bind != nil {
		v.Bind = a.Bind.String()
	}
	return v
}

func (a *serveOp) run(x *execCtx) (string, error) {
	v := a.snap()
	if err := startServer(x, v); err != nil {
		return "", err
	}
	if a.Kind == cmdline.ServePython {
		return fmt.Sprintf("Serving HTTP on %s port %d (http://%s/) ...\n", orAny(v.Bind), v.Port, v.addr()), nil
	}
	return "", nil
}

// orAny is a bind address as servers print it.
func orAny(b string) string {
	if b == "" {
		return "0.0.0.0"
	}
	return b
}

func (a *serveOp) check(x *execCtx) error {
	live, err := x.s.liveServers(x)
	if err != nil {
		return err
	}
	v := a.snap()
	for _, r := range live {
		if r.snap() == v {
			return nil
		}
	}
	return problem("check.listen.missing", "nothing listens on {{.Proto}} {{.Addr}} in {{.Node}}", "Proto", v.Proto, "Addr", v.addr(), "Node", x.node.Name)
}

// decides: the socket's protocol and port in the node.
func (a *serveOp) decides(node string) []string {
	return []string{node + ":listen " + a.Proto + " " + strconv.Itoa(a.Port)}
}

// serverObject is the servers listening in a node.
type serverObject struct{}

func (serverObject) kind() string { return "listen" }

func (serverObject) read(r *nodeReader, ns *NodeSnap) error {
	live, err := r.s.liveServers(r.x)
	if err != nil {
		return fmt.Errorf("%s: %w", r.node.Name, err)
	}
	for _, l := range live {
		ns.Servers = append(ns.Servers, l.snap())
	}
	return nil
}

func (serverObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	for _, v := range n.Servers {
		fs = append(fs, fact{node, "listen", v.Proto + " " + v.addr(), v.text(), ""})
	}
	return fs
}

// restoreNode stops the node's servers the snapshot does not hold and
// starts those it holds that are not running (a namespace deleted and
// made again, say).
func (serverObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	live, err := rc.s.liveServers(x)
	if err != nil {
		rc.fail(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	want := map[ServerSnap]bool{}
	for _, v := range w.Servers {
		want[v] = true
	}
	// Records of this node that are not live (their process ended, or
	// their namespace was deleted) are forgotten.
	for _, r := range append([]Server(nil), rc.s.st.Servers...) {
		if r.Node != name {
			continue
		}
		isLive := false
		for _, l := range live {
			isLive = isLive || l.ID == r.ID
		}
		if !isLive || !want[r.snap()] {
			rc.s.stopServer(r)
			continue
		}
		delete(want, r.snap())
	}
	for _, v := range w.Servers {
		if want[v] {
			if err := startServer(x, v); err != nil {
				rc.fail(fmt.Errorf("%s: start %s again: %w", name, v.text(), err))
			}
		}
	}
	return nil
}
