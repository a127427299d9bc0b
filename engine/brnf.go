package engine

// This file holds what a step needs from the kernel that netlab cannot
// give it: the br_netfilter module, which makes bridged traffic go through
// iptables (Docker's icc=false rule needs it). netlab never loads a
// module; a step that reads or writes its switches is refused before
// anything runs when the module is absent, in words a student (and the
// administrator they ask) understands.

import (
	"fmt"
	"os"
	"strings"
)

// bridgeSysctlDir is where br_netfilter puts its switches, in every
// network namespace once it is loaded (Linux 5.3 and later).
var bridgeSysctlDir = "/proc/sys/net/bridge"

// NoBrNetfilterError says a step needs the br_netfilter module.
type NoBrNetfilterError struct{ Key string }

// Error explains what is missing and who can add it.
func (e *NoBrNetfilterError) Error() string {
	return fmt.Sprintf("%s needs the kernel's br_netfilter module, which is not loaded on this machine, and netlab never loads kernel modules; an administrator can load it once with \"modprobe br_netfilter\", then run this step again", e.Key)
}

// preflight refuses, before anything of the step runs, a step whose
// commands need what this machine's kernel lacks.
func (s *Session) preflight(st Transaction) error {
	for i, c := range st.Commands {
		for _, a := range c.Actions {
			var key string
			switch v := a.(type) {
			case *sysctlSet:
				key = v.Key
			case *sysctlGet:
				key = v.Key
			}
			if !strings.HasPrefix(key, "net.bridge.") {
				continue
			}
			if _, err := os.Stat(bridgeSysctlDir); err != nil {
				node := st.Node
				if node == "" {
					node = s.DefaultNode()
				}
				node = s.nodeOf(node, c)
				return &StepError{Command: i, Text: c.Text, Node: node, Err: &NoBrNetfilterError{Key: key}}
			}
		}
	}
	return nil
}
