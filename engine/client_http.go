package engine

// This file holds curl and wget, read-only tools: one HTTP fetch from the
// node's namespace, printed as the real tool prints it.

import (
	"errors"

	"github.com/netlab/netlab/engine/cmdline"
)

// httpGetAction is curl or wget, done natively.
type httpGetAction struct {
	cmdline.HTTPGet
	readOnly
}

func (a *httpGetAction) run(x *execCtx) (string, error) {
	return "", errors.New(a.Tool + " is not supported yet")
}
