// Command netlab is a terminal teaching lab for Linux container networking.
// This file holds the command line only: flags and subcommands, each
// handing off to a package (engine, labs, labs/runner, capture, tui).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/rootless"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
	"github.com/netlab/netlab/tui"
)

// Exit codes, documented in the README.
const (
	exitOK        = 0
	exitFailed    = 1 // a step, check, test or lint failed; or not root
	exitUsage     = 2
	exitNoSession = 3 // no session, or one is already running
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func fail(code int, format string, a ...any) error {
	for i, x := range a {
		// Another process reset the lab while this one waited for it.
		if e, ok := x.(error); ok && errors.Is(e, engine.ErrNoSession) {
			code = exitNoSession
		}
		if e, ok := x.(error); ok {
			a[i] = say(e)
		}
	}
	return &exitError{code: code, err: fmt.Errorf(format, a...)}
}

// quiet is an exit code with nothing more to print.
type quiet int

func (q quiet) Error() string { return "" }

var (
	labsDir  string
	langFlag string
	jsonOut  bool
	stdout   io.Writer = os.Stdout
	warnings io.Writer = os.Stderr
)

func main() {
	// The language: --lang, else NETLAB_LANG, else the locale.
	i18n.SetLang(startLang(os.Args[1:], os.Getenv))
	engine.WaitNotice = os.Stderr // a verb waiting for another netlab process says so
	root := rootCmd()
	err := goRootless(os.Args[1:]) // not root: the same command inside the user's own namespaces (main_rootless.go)
	if err == nil {
		err = root.Execute()
	}
	if err == nil {
		return
	}
	var q quiet
	var ee *exitError
	switch {
	case errors.As(err, &q):
		os.Exit(int(q))
	case errors.As(err, &ee):
		fmt.Fprintln(os.Stderr, "netlab:", ee.err)
		os.Exit(ee.code)
	default:
		fmt.Fprintln(os.Stderr, "netlab:", err)
		os.Exit(exitUsage)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "netlab",
		Short: "A terminal lab for Linux container networking, on the real kernel",
		Long: "netlab walks you through Linux container networking step by step: network namespaces, veth pairs,\n" +
			"a bridge, ip_forward, MASQUERADE and more, applied to the real kernel inside namespaces netlab\n" +
			"creates, with live packet captures. Run it with no arguments to pick a lab.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return chooseLang(cmd)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needRoot("netlab"); err != nil {
				return err
			}
			engine.WaitNotice = nil // the TUI owns the terminal
			return tui.Run(tui.Options{LabsDir: labs.Dir(labsDir), RunDir: engine.RunDir(), Self: self()})
		},
	}
	root.PersistentFlags().StringVar(&labsDir, "labs", "", "directory of the instructor's own labs (default $"+labs.EnvDir+")")
	root.PersistentFlags().StringVar(&langFlag, "lang", "", "language of netlab's words and the labs: en or zh (default $NETLAB_LANG, then the locale)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail(exitUsage, "%s", i18n.T("cli.flag_error", "{{.Err}} (see '{{.Command}} --help')", "Err", err, "Command", c.CommandPath()))
	})
	root.AddCommand(openCmd(), listCmd(), lintCmd(), testCmd(), startCmd(), stepCmd(), undoCmd(), statusCmd(),
		resetCmd(), execCmd(), shellCmd(), captureCmd())
	root.SetVersionTemplate("{{.Version}}\n")
	return root
}

// self is the path of this program, for the TUI to run "netlab shell".
func self() string {
	if p, err := os.Executable(); err == nil {
		return p
	}
	return os.Args[0]
}

// needRoot refuses early, before anything is created, when not root.
func needRoot(verb string) error {
	if os.Geteuid() == 0 {
		return nil
	}
	return fail(exitFailed, "%s", i18n.T("cli.need_root", "{{.Verb}} needs root: it creates network namespaces, links and firewall rules (only inside the lab, never on your machine). Run: sudo {{.Command}}",
		"Verb", verb, "Command", cmdLine()))
}

// needTools refuses early when a program the lab's commands rely on is
// missing, naming the package that provides it.
func needTools() error {
	if _, err := exec.LookPath("iptables"); err != nil {
		return fail(exitFailed, "%v", engine.ErrNoIptables)
	}
	return nil
}

func cmdLine() string {
	s := "netlab"
	for _, a := range os.Args[1:] {
		s += " " + a
	}
	return s
}

func args(n int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if len(a) < n {
			return fail(exitUsage, "%s", i18n.T("cli.usage", "usage: netlab {{.Usage}}", "Usage", usage))
		}
		return nil
	}
}

func printJSON(v any) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printJSONLines prints each value as one JSON document on a line of its
// own (JSON Lines), so jq and line-by-line readers take them one at a time.
func printJSONLines(vs ...any) error {
	enc := json.NewEncoder(stdout)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

func findLab(ref string) (*labs.Lab, error) {
	lab, err := labs.Find(ref, labs.Dir(labsDir))
	if err != nil {
		return nil, fail(exitFailed, "%v", err)
	}
	return lab, nil
}

// openSession attaches to the running session, with exit code 3 if none.
func openSession() (*runner.Lesson, error) {
	s, err := runner.Open(engine.RunDir(), labs.Dir(labsDir))
	if errors.Is(err, engine.ErrNoSession) {
		return nil, fail(exitNoSession, "%s", i18n.T("cli.no_session", "no lab is running: start one with 'netlab start LAB' (see 'netlab list')"))
	}
	if err != nil {
		return nil, fail(exitFailed, "%v", err)
	}
	return s, nil
}

func openCmd() *cobra.Command {
	return &cobra.Command{
		Use: "open LAB|FILE", Short: "Open the TUI on one lab", Args: args(1, "open LAB|FILE"),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab open"); err != nil {
				return err
			}
			lab, err := findLab(a[0])
			if err != nil {
				return err
			}
			engine.WaitNotice = nil // the TUI owns the terminal
			return tui.Run(tui.Options{LabsDir: labs.Dir(labsDir), RunDir: engine.RunDir(), Lab: lab, Self: self()})
		},
	}
}

func listCmd() *cobra.Command {
	c := &cobra.Command{
		Use: "list", Short: "List the built-in labs and the instructor's own", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, a []string) error {
			list, err := labs.List(labs.Dir(labsDir))
			if err != nil {
				fmt.Fprintln(warnings, "netlab:", i18n.T("cli.list.errors", "some lab files have errors (see 'netlab lint'):")+"\n"+err.Error())
			}
			list = translated(list)
			if jsonOut {
				return printJSON(list)
			}
			printList(list)
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return c
}

func lintCmd() *cobra.Command {
	c := &cobra.Command{
		Use: "lint FILE...", Short: "Check lab files; errors as file:line:col: message",
		Long: "Check lab files; errors as file:line:col: message.\nWith --lang zh, also warn about every text the file does not translate into Chinese.", Args: args(1, "lint FILE..."),
		RunE: func(cmd *cobra.Command, a []string) error {
			lang := i18n.English // only an explicit --lang asks for the untranslated texts
			if f := cmd.Flags().Lookup("lang"); f != nil && f.Changed {
				l, err := i18n.ParseLang(f.Value.String())
				if err != nil {
					return fail(exitUsage, "%v", err)
				}
				lang = l
			}
			errs, ok := labs.LintLang(a, lang)
			for _, f := range ok {
				fmt.Fprintln(stdout, i18n.T("cli.lint.ok", "{{.File}}: ok", "File", f))
			}
			if len(errs) > 0 {
				fmt.Fprintln(stdout, errs.Error())
			}
			if errs.Failed() { // warnings alone do not fail lint
				return quiet(exitFailed)
			}
			return nil
		},
	}
	return c
}

func testCmd() *cobra.Command {
	c := &cobra.Command{
		Use: "test LAB|FILE...", Short: "Run labs headless: every step and its checks, then undo all and verify", Args: args(1, "test LAB|FILE..."),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab test"); err != nil {
				return err
			}
			if err := needTools(); err != nil {
				return err
			}
			allOK := true
			for _, ref := range a {
				lab, err := findLab(ref)
				if err != nil {
					return err
				}
				res := runner.Test(lab, func(r *runner.StepReport) {
					if !jsonOut { // with --json, printed with its undo time once the test is over
						fmt.Fprint(stdout, r.TestLine(lab.ID))
					}
				})
				if jsonOut {
					printJSONLines(res.JSONLines()...)
				} else {
					fmt.Fprint(stdout, res.Text())
				}
				allOK = allOK && res.OK
			}
			if !allOK {
				return quiet(exitFailed)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print JSON Lines: one object per step (with its duration and phases in ms), then one per lab")
	return c
}

func startCmd() *cobra.Command {
	var replay bool
	c := &cobra.Command{
		Use: "start LAB|FILE", Short: "Create the lab session (no step applied yet)", Args: replayArgs(&replay, args(1, "start LAB|FILE")),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab start"); err != nil {
				return err
			}
			if replay {
				return startReplay() // main_replay.go
			}
			if err := needTools(); err != nil {
				return err
			}
			lab, err := findLab(a[0])
			if err != nil {
				return err
			}
			s, err := runner.Start(lab, engine.RunDir())
			var exists *engine.ErrSessionExists
			if errors.As(err, &exists) {
				st := exists.State
				return fail(exitNoSession, "%s", i18n.N("cli.start.running", len(st.Applied),
					"lab {{.Lab}} is already running ({{.Count}} step(s) applied). Continue it with 'netlab step' or 'netlab', or end it with 'netlab reset'",
					"lab {{.Lab}} is already running ({{.Count}} step(s) applied). Continue it with 'netlab step' or 'netlab', or end it with 'netlab reset'",
					"Lab", fmt.Sprintf("%q", st.Meta["lab"])))
			}
			if err != nil {
				return fail(exitFailed, "%v", err)
			}
			defer s.Close()
			fmt.Fprintln(stdout, i18n.N("cli.started", len(lab.Steps),
				"started lab {{.Lab}}: {{.Title}} ({{.Count}} steps). Next: 'netlab step' or 'netlab'",
				"started lab {{.Lab}}: {{.Title}} ({{.Count}} steps). Next: 'netlab step' or 'netlab'",
				"Lab", lab.ID, "Title", lab.In(i18n.Current()).Title))
			return nil
		},
	}
	c.Flags().BoolVar(&replay, "replay", false, "build the running session's lab again and re-apply its applied steps (after its namespaces are gone)")
	return c
}

// count reads -n/--all into how many steps to take.
func count(n int, all bool) (int, error) {
	if all {
		return 1 << 30, nil
	}
	if n < 1 {
		return 0, fail(exitUsage, "%s", i18n.T("cli.count", "-n takes a number of steps, 1 or more (or --all)"))
	}
	return n, nil
}

// openForSteps checks -n/--all, then attaches to the running session.
func openForSteps(n int, all bool) (*runner.Lesson, int, error) {
	steps, err := count(n, all)
	if err != nil {
		return nil, 0, err
	}
	s, err := openSession()
	return s, steps, err
}

func stepCmd() *cobra.Command {
	var n int
	var all bool
	c := &cobra.Command{
		Use: "step [-n N|--all]", Short: "Apply the next step(s), with their checks", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab step"); err != nil {
				return err
			}
			if err := needTools(); err != nil {
				return err
			}
			s, steps, err := openForSteps(n, all)
			if err != nil {
				return err
			}
			defer s.Close()
			// Ctrl-C or SIGTERM stops the running command, rolls the step
			// back and fails with "step N cancelled; the lab is as before".
			ctx, stop := interrupts(nil, i18n.T("cli.step.still_rolling_back", "still rolling the step back; the lab is restored in a moment"))
			defer stop()
			s.SetContext(ctx)
			var reports []*runner.StepReport
			failed := false
			for i := 0; i < steps && !s.Done(); i++ {
				rep, err := s.Step()
				if err != nil {
					return fail(exitFailed, "%v", err)
				}
				reports = append(reports, rep)
				if !jsonOut {
					fmt.Fprint(stdout, rep.Text(true))
				}
				if ctx.Err() != nil {
					return fail(exitFailed, "%s", i18n.T("cli.step.interrupted", "interrupted after step {{.N}}, which stays applied ('netlab undo' undoes it)", "N", rep.Index))
				}
				if !rep.OK && rep.Skipped == "" { // a skipped step is no failure: the lab goes on
					failed = true
					break
				}
			}
			if len(reports) == 0 {
				return fail(exitFailed, "%v", runner.ErrAllDone)
			}
			if jsonOut {
				for _, r := range reports {
					printJSONLines(r)
				}
			}
			if failed {
				return quiet(exitFailed)
			}
			return nil
		},
	}
	c.Flags().IntVarP(&n, "number", "n", 1, "how many steps")
	c.Flags().BoolVar(&all, "all", false, "every remaining step")
	c.Flags().BoolVar(&jsonOut, "json", false, "print JSON Lines: one object per step, with its duration and phases in ms")
	return c
}

func undoCmd() *cobra.Command {
	var n int
	var all bool
	c := &cobra.Command{
		Use: "undo [-n N|--all]", Short: "Undo the last applied step(s)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab undo"); err != nil {
				return err
			}
			s, steps, err := openForSteps(n, all)
			if err != nil {
				return err
			}
			defer s.Close()
			// An undo stopped half-way would leave the lab half-restored:
			// Ctrl-C lets the undo under way finish, then stops (or stops
			// a wait for another netlab process at once).
			ctx, stop := interrupts(func() string {
				if s.Waiting() {
					return "" // the wait stops at once and says so
				}
				return i18n.T("cli.undo.interrupted", "interrupted: the undo under way finishes first (stopped half-way it would leave the lab half-restored), then netlab stops")
			}, i18n.T("cli.undo.still_undoing", "still undoing; netlab stops as soon as the lab is restored"))
			defer stop()
			s.SetContext(ctx)
			var reports []*runner.UndoReport
			for i := 0; i < steps; i++ {
				if ctx.Err() != nil {
					return fail(exitFailed, "%s", i18n.N("cli.undo.stopped", i,
						"interrupted after undoing {{.Count}} step(s); the lab is consistent", "interrupted after undoing {{.Count}} step(s); the lab is consistent"))
				}
				rep, err := s.Undo()
				if errors.Is(err, engine.ErrNothingToUndo) {
					if i == 0 {
						return fail(exitFailed, "%v", err)
					}
					break
				}
				if err != nil {
					return fail(exitFailed, "%v", err)
				}
				reports = append(reports, rep)
				if !jsonOut {
					fmt.Fprint(stdout, rep.Text())
				}
			}
			if jsonOut {
				return printJSON(reports)
			}
			return nil
		},
	}
	c.Flags().IntVarP(&n, "number", "n", 1, "how many steps")
	c.Flags().BoolVar(&all, "all", false, "every applied step")
	c.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return c
}

func statusCmd() *cobra.Command {
	c := &cobra.Command{
		Use: "status", Short: "Show the running lab, its current step and what exists", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab status"); err != nil {
				return err
			}
			s, err := openSession()
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Status()
			if err != nil {
				return fail(exitFailed, "%v", err)
			}
			if jsonOut {
				return printJSON(st)
			}
			fmt.Fprint(stdout, st.Text())
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return c
}

func resetCmd() *cobra.Command {
	return &cobra.Command{
		Use: "reset", Short: "Remove everything netlab created (safe after a crash)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab reset"); err != nil {
				return err
			}
			sum, err := engine.ResetReport(engine.RunDir())
			if err != nil {
				return fail(exitFailed, "%v", err)
			}
			fmt.Fprintln(stdout, resetLine(sum))
			rootless.Released(engine.RunDir()) // without root: the holder ends now (main_rootless.go)
			return nil
		},
	}
}

// enter runs a program in a lab node (exec and shell; an empty node is
// the lab's default).
func enter(node string, argv []string, env []string) error {
	if err := needRoot("netlab"); err != nil {
		return err
	}
	s, err := openSession()
	if err != nil {
		return err
	}
	err = s.Enter(node, argv, env)
	var unknown *engine.UnknownNodeError
	if errors.As(err, &unknown) {
		return fail(exitUsage, "%v", err)
	}
	return fail(exitFailed, "%v", err)
}

func execCmd() *cobra.Command {
	return &cobra.Command{
		Use: "exec NODE -- CMD...", Short: "Run a real program inside a lab node", Args: args(2, "exec NODE -- CMD..."),
		RunE: func(cmd *cobra.Command, a []string) error {
			return enter(a[0], a[1:], os.Environ())
		},
	}
}

func shellCmd() *cobra.Command {
	return &cobra.Command{
		Use: "shell [NODE]", Short: "An interactive shell inside a lab node", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := needRoot("netlab shell"); err != nil {
				return err
			}
			node := ""
			if len(a) == 1 {
				node = a[0]
			} else if s, err := openSession(); err == nil {
				node = s.DefaultNode()
				s.Close()
			}
			env := append(os.Environ(), "PS1=[netlab "+node+"] \\w # ", "NETLAB_NODE="+node)
			sh := "bash"
			if _, err := exec.LookPath(sh); err != nil {
				sh = "sh"
			}
			return enter(node, []string{sh, "--norc", "--noprofile", "-i"}, env)
		},
	}
}

func captureCmd() *cobra.Command {
	var opts capture.Options
	c := &cobra.Command{
		Use: "capture [NODE:]IFACE...", Short: "Print live packets from lab interfaces, like tcpdump -nn", Args: args(1, "capture [NODE:]IFACE..."),
		RunE: func(cmd *cobra.Command, a []string) error {
			// As tcpdump: -c counts packets to print, so 0 or fewer is a mistake.
			if cmd.Flags().Changed("count") && opts.Count < 1 {
				return fail(exitUsage, "%s", i18n.T("cli.capture.count", "invalid packet count {{.N}}: -c takes a number of packets, 1 or more", "N", opts.Count))
			}
			if err := needRoot("netlab capture"); err != nil {
				return err
			}
			s, err := openSession()
			if err != nil {
				return err
			}
			targets, err := s.ParseTargets(a)
			s.Close()
			if err != nil {
				return fail(exitUsage, "%v", err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := capture.Run(ctx, stdout, targets, opts); err != nil {
				return fail(exitFailed, "%v", err)
			}
			return nil
		},
	}
	c.Flags().IntVarP(&opts.Count, "count", "c", 0, "stop after N packets")
	c.Flags().StringVarP(&opts.WriteFile, "write", "w", "", "also write the packets to a pcap file (overwritten if it exists; a symbolic link is refused)")
	c.Flags().BoolVarP(&opts.LinkLevel, "link", "e", false, "print link-level (MAC) addresses")
	c.Flags().CountVarP(&opts.Verbose, "verbose", "v", "print the IP header's fields (ttl, id, flags, length) as tcpdump -v; -vv also checks checksums")
	c.Flags().StringVar(&opts.Filter, "filter", "", "filter: arp, icmp, ip, udp, tcp, vxlan, host ADDR, port N, not/and/or, ( )")
	c.Flags().BoolVar(&opts.ShowBackground, "background", false, "also show IPv6 background noise (MLD, neighbour discovery)")
	return c
}
