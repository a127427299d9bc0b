package capture

import (
	"errors"
	"fmt"
	"net"
)

// ErrNoInterface says a target's interface does not exist (yet) in its
// namespace: a capture on it can start once something creates it.
var ErrNoInterface = errors.New("no such interface")

// IfIndex returns the index of the target's interface inside the
// target's namespace, or an error wrapping ErrNoInterface when there is
// no interface of that name there now. A runner watching a step uses it
// to open a capture as soon as a command creates, moves in or renames
// the interface, and to notice when the one it watched was replaced.
func IfIndex(t Target) (int, error) {
	var idx int
	err := inNamespace(t.NSPath, func() error {
		ifi, err := net.InterfaceByName(t.Iface)
		if err != nil {
			return fmt.Errorf("capture on %s: %w", t, ErrNoInterface)
		}
		idx = ifi.Index
		return nil
	})
	return idx, err
}
