package rootless

import (
	"strings"
)

// Need is what a netlab command line asks of the namespaces when run
// without root.
type Need int

const (
	NoNeed      Need = iota // list, lint, help, version: nothing of the kernel
	NeedSession             // step, undo, status, exec, shell, capture: the running lab's namespaces
	NeedHolder              // the TUI, open, start, test: namespaces, made when missing
	NeedReset               // reset: namespaces to clean up in, made when missing
)

// globalValued are netlab's persistent flags that take a value.
var globalValued = map[string]bool{"--labs": true, "--lang": true}

// verbNeeds maps each verb to what it needs.
var verbNeeds = map[string]Need{
	"": NeedHolder, "open": NeedHolder, "start": NeedHolder, "test": NeedHolder,
	"step": NeedSession, "undo": NeedSession, "status": NeedSession,
	"exec": NeedSession, "shell": NeedSession, "capture": NeedSession,
	"reset": NeedReset,
}

// A Plan is what a command line needs without root, read before cobra
// parses it.
type Plan struct {
	Need   Need
	Status bool // "netlab status": reports a lab whose namespaces are gone, and succeeds
	JSON   bool // --json
	// Rebuilds reports whether the verb works on a lab whose holder
	// died: reset removes its files, start --replay builds it again and
	// "netlab test" plays a throwaway lab of its own.
	Rebuilds bool
}

// PlanFor reads a command line (without the program name).
func PlanFor(args []string) Plan {
	need, verb, replay := Needs(args)
	p := Plan{Need: need, Status: verb == "status", Rebuilds: need == NeedReset || replay || verb == "test"}
	for _, a := range args {
		if a == "--" {
			break
		}
		p.JSON = p.JSON || a == "--json"
	}
	return p
}

// Needs reads a command line (without the program name) the way cobra
// will, enough to tell its verb and whether it replays a lab (start
// --replay): help and version need nothing.
func Needs(args []string) (need Need, verb string, replay bool) {
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		if globalValued[a] {
			i++
		}
		if a == "-h" || a == "--help" || a == "--version" {
			return NoNeed, "", false
		}
	}
	if i < len(args) && args[i] != "--" {
		verb = args[i]
	}
	for _, a := range args[min(i, len(args)):] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" {
			return NoNeed, verb, false
		}
		replay = replay || a == "--replay"
	}
	n, ok := verbNeeds[verb]
	if !ok {
		return NoNeed, verb, false
	}
	return n, verb, replay && verb == "start"
}
