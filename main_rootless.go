package main

// Without root: a user who is not root runs netlab inside user, mount and
// network namespaces of their own, kept alive by a holder process
// (engine/rootless). goRootless runs first thing in main: it joins the
// holder, starting one when the verb creates a lab, and re-runs the same
// command line inside, where netlab is root of those namespaces only.

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/rootless"
	"github.com/netlab/netlab/labs/i18n"
)

// goRootless returns nil at once for root and for verbs that need no
// namespaces; otherwise it replaces this process with the same command
// inside the user's holder, or returns why it cannot.
func goRootless(args []string) error {
	if os.Geteuid() == 0 {
		return nil
	}
	plan := rootless.PlanFor(args)
	if plan.Need == rootless.NoNeed {
		return nil
	}
	if os.Getenv(rootless.EnvInside) != "" {
		// Joined, yet not root: the user namespace has no map for us.
		return fail(exitFailed, "%s", i18n.T("cli.rootless.not_root_inside", "netlab joined its user namespace but is not root there; run 'netlab reset', or run it with sudo"))
	}
	dir, err := rootless.RunDir(os.Getuid(), os.Getenv)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	if err := engine.ClaimRunDir(dir); err != nil {
		return fail(exitFailed, "%v", err)
	}
	h := rootless.Find(dir)
	// The session's namespaces died with its holder: none runs, or the
	// one that runs was started after the session (by a reset, a replay
	// or a "netlab test" since).
	if st, ok, err := sessionState(dir); ok && !plan.Rebuilds && (h == nil || err == nil && st.Created.Before(h.Since())) {
		if err != nil {
			return fail(exitFailed, "%s", i18n.T("cli.rootless.gone_damaged", "the lab's namespaces are gone and its state cannot be read ({{.Err}}); remove its files with 'netlab reset'", "Err", err))
		}
		return gone(st, plan)
	}
	if h == nil && plan.Need == rootless.NeedSession {
		return fail(exitNoSession, "%s", i18n.T("cli.no_session", "no lab is running: start one with 'netlab start LAB' (see 'netlab list')"))
	}
	if h == nil {
		if h, err = rootless.Ensure(dir, self()); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	return fail(exitFailed, "%v", rootless.Join(h, self(), args))
}

// sessionState reads the session's state file in dir, if there is one
// (ok), as untrusted text: what gone shows of it is cleaned of control
// characters. err says why it cannot be read.
func sessionState(dir string) (st *engine.State, ok bool, err error) {
	b, err := engine.ReadStateFile(dir)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	st = &engine.State{}
	if err == nil {
		err = json.Unmarshal(b, st)
	}
	return st, true, err
}

// goneStatus is "netlab status --json" for a lab whose namespaces are gone.
type goneStatus struct {
	Lab         string        `json:"lab"`
	Title       string        `json:"title"`
	Applied     int           `json:"applied"`
	AppliedList []goneStep    `json:"applied_steps"`
	Gone        bool          `json:"gone"`
	Nodes       []engine.Node `json:"nodes"`
}

type goneStep struct {
	Index  int    `json:"step"`
	Title  string `json:"title"`
	ByHand bool   `json:"by_hand,omitempty"`
}

// gone says that the session's namespaces died with their holder (killed,
// out of memory, a reboot) and how to rebuild or remove the lab: only the
// state's lab, titles and count are shown, cleaned of control characters.
// status reports it and succeeds; every other verb fails with it.
func gone(st *engine.State, plan rootless.Plan) error {
	g := goneStatus{Lab: printable(st.Meta["lab"]), Title: printable(st.Meta["title"]), Applied: len(st.Applied), Gone: true, Nodes: []engine.Node{}, AppliedList: []goneStep{}}
	for _, a := range st.Applied {
		g.AppliedList = append(g.AppliedList, goneStep{Index: a.Index + 1, Title: printable(a.Title), ByHand: a.ByHand})
	}
	msg := i18n.N("cli.rootless.gone", g.Applied,
		"the namespaces of lab {{.Lab}} are gone: the process that held them ended (killed, out of memory, or the machine restarted). {{.Count}} step(s) had been applied. Build the lab again and replay them with 'netlab start --replay', or remove its files with 'netlab reset'",
		"the namespaces of lab {{.Lab}} are gone: the process that held them ended (killed, out of memory, or the machine restarted). {{.Count}} step(s) had been applied. Build the lab again and replay them with 'netlab start --replay', or remove its files with 'netlab reset'",
		"Lab", g.Lab)
	if !plan.Status {
		return fail(exitFailed, "%s", msg)
	}
	if plan.JSON {
		printJSON(g)
	} else {
		fmt.Fprintln(stdout, msg)
	}
	return quiet(exitOK) // reported: nothing more runs
}

// printable drops control characters from text read back from a file.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
