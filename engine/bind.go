package engine

import (
	"fmt"

	"github.com/netlab/netlab/engine/cmdline"
)

// Bind turns a parsed command into the engine's: each cmdline operation
// becomes the action that runs it. It returns nil for nil.
func Bind(c *cmdline.Command) *Command {
	if c == nil {
		return nil
	}
	out := &Command{Text: c.Text, Netns: c.Netns, Program: c.Program, Source: c}
	for _, o := range c.Ops {
		out.Actions = append(out.Actions, bind(o))
	}
	return out
}

// bind is the one table from operation to action: a line for each
// operation cmdline makes, and the only place a new command family is
// named in package engine (its action lives in the file of the kernel
// object it changes, op_<object>.go, or for a read-only tool in a file of
// its own, like ping.go and show.go). The action holds a copy of the
// operation, so a check may trim it (see pendingPart) without touching the
// parse.
func bind(o cmdline.Op) Action {
	switch v := o.(type) {
	case *cmdline.NetnsAdd:
		return &netnsAdd{*v}
	case *cmdline.NetnsDel:
		return &netnsDel{*v}
	case *cmdline.NetnsList:
		return &netnsList{NetnsList: *v}
	case *cmdline.LinkAdd:
		return &linkAdd{*v}
	case *cmdline.LinkSet:
		return &linkSet{LinkSet: *v}
	case *cmdline.LinkDel:
		return &linkDel{*v}
	case *cmdline.Addr:
		return &addrOp{*v}
	case *cmdline.Route:
		return &routeOp{*v}
	case *cmdline.Neigh:
		return &neighOp{*v}
	case *cmdline.SysctlSet:
		return &sysctlSet{*v}
	case *cmdline.SysctlGet:
		return &sysctlGet{SysctlGet: *v}
	case *cmdline.IptablesRule:
		return &iptablesAction{*v}
	case *cmdline.Ping:
		return &pingAction{Ping: *v}
	case *cmdline.Capture:
		return &tcpdumpAction{Capture: *v}
	case *cmdline.Show:
		return &showAction{Show: *v}
	case *cmdline.BridgeShow:
		return &brShow{BridgeShow: *v}
	case *cmdline.IfconfigShow:
		return &ifconfigShow{IfconfigShow: *v}
	case *cmdline.HTTPGet:
		return &httpGetAction{HTTPGet: *v}
	case *cmdline.NcConnect:
		return &ncConnectAction{NcConnect: *v}
	case *cmdline.Serve:
		return &serveOp{*v}
	case *cmdline.ConntrackList:
		return &conntrackAction{ConntrackList: *v}
	case *cmdline.HostsAdd:
		return &hostsAdd{*v}
	case *cmdline.Fdb:
		return &fdbOp{*v}
	case *cmdline.FdbShow:
		return &fdbShow{FdbShow: *v}
	case *cmdline.BridgeLinkShow:
		return &bridgeLinkShow{BridgeLinkShow: *v}
	case *cmdline.BridgeMacs:
		return &brMacsShow{BridgeMacs: *v}
	}
	// Every operation cmdline makes is listed above; a new one without an
	// action is a programming error, caught by TestEveryGoldenLineBinds.
	panic(fmt.Sprintf("engine: no action for %T", o))
}
