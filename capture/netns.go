package capture

import (
	"errors"
	"fmt"

	"github.com/netlab/netlab/engine/ns"
)

// inNamespace runs fn with ns.Do: on a fresh goroutine locked to an OS
// thread switched into the network namespace bound at path. Sockets fn
// opens stay in that namespace after the thread switches back; goroutines
// fn starts do not run there. The path must name a lab namespace: an
// empty path or the machine's own namespace (ns's one definition of it)
// is refused, so a capture never puts one of the machine's interfaces
// into promiscuous mode.
func inNamespace(path string, fn func() error) error {
	if path == "" {
		return fmt.Errorf("no namespace given: netlab captures only inside lab namespaces")
	}
	err := ns.WithNetNSPath(path, func(ns.NetNS) error { return fn() })
	if errors.Is(err, ns.ErrMachine) {
		return fmt.Errorf("refusing to capture in the machine's own network namespace (%s)", path)
	}
	return err
}
