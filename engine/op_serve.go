package engine

import (
	"errors"

	"github.com/netlab/netlab/engine/cmdline"
)

// serveOp starts a server in the node's namespace that outlives the
// command (nc -l, busybox httpd, python3 -m http.server).
type serveOp struct{ cmdline.Serve }

func (a *serveOp) run(x *execCtx) (string, error) {
	return "", errors.New(a.Kind + " is not supported yet")
}

func (a *serveOp) check(x *execCtx) error { return nil }

func (a *serveOp) decides(node string) []string { return nil }
