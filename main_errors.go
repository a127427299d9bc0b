package main

import (
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// saidErr is an engine error as netlab says it in the student's
// language; errors.Is still sees the engine's.
type saidErr struct {
	msg string
	err error
}

func (e *saidErr) Error() string { return e.msg }
func (e *saidErr) Unwrap() error { return e.err }

// engineWords are the engine's errors the command line words itself:
// the engine must not depend on the catalogue, but these reach a student
// as they are. Their English is the engine's, word for word.
func engineWords(err error) string {
	switch err {
	case engine.ErrNothingToUndo:
		return i18n.T("cli.nothing_to_undo", "nothing to undo: no step is applied")
	case engine.ErrNoIptables:
		return i18n.T("cli.no_iptables", "the iptables program is not installed: install the 'iptables' package (apt-get install iptables)")
	case engine.ErrStoppedWaiting:
		return i18n.T("cli.stopped_waiting", "stopped waiting for the other netlab process; nothing was changed")
	}
	return ""
}

// say gives err in the student's language when netlab words it itself
// (engineWords), else err as it is.
func say(err error) error {
	if msg := engineWords(err); msg != "" {
		return &saidErr{msg: msg, err: err}
	}
	return err
}
