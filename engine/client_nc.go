package engine

// This file holds nc as a client, a read-only tool: one connection from
// the node's namespace that sends a line and prints what comes back.

import (
	"errors"

	"github.com/netlab/netlab/engine/cmdline"
)

// ncConnectAction is "nc HOST PORT", done natively.
type ncConnectAction struct {
	cmdline.NcConnect
	readOnly
}

func (a *ncConnectAction) run(x *execCtx) (string, error) {
	return "", errors.New("nc as a client is not supported yet")
}
