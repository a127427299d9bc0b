package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// replayArgs lets "netlab start --replay" go without a lab (it replays the
// session's own) and checks the others with check.
func replayArgs(replay *bool, check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if *replay && len(a) == 0 {
			return nil
		}
		return check(cmd, a)
	}
}

// startReplay builds the running session's lab again from nothing and
// re-applies as many steps as it had applied: what a lab whose namespaces
// died with their holder (netlab without root) needs, or one whose run
// directory outlived a reboot. Steps done by hand are applied by netlab.
func startReplay() error {
	if err := needTools(); err != nil {
		return err
	}
	old, err := openSession()
	if err != nil {
		return err
	}
	lab, n := old.Lab, old.Applied()
	old.Close()
	if _, err := engine.ResetReport(engine.RunDir()); err != nil {
		return fail(exitFailed, "%v", err)
	}
	s, err := runner.Start(lab, engine.RunDir())
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer s.Close()
	for i := 0; i < n && !s.Done(); i++ {
		rep, err := s.Step()
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
		if !rep.OK {
			fmt.Fprint(stdout, rep.Text(false))
			return fail(exitFailed, "%s", i18n.T("cli.replay.failed", "replaying lab {{.Lab}} stopped at step {{.N}}, which failed; the steps before it are applied", "Lab", lab.ID, "N", rep.Index))
		}
	}
	fmt.Fprintln(stdout, i18n.N("cli.replay.done", n,
		"built lab {{.Lab}} again and replayed its {{.Count}} applied step(s). Next: 'netlab step' or 'netlab'",
		"built lab {{.Lab}} again and replayed its {{.Count}} applied step(s). Next: 'netlab step' or 'netlab'", "Lab", lab.ID))
	return nil
}
