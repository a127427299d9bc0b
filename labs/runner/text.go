package runner

import (
	"fmt"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// The runner's reports are built in the language the student reads
// (i18n.Current) when they are made: the TUI and the command line show
// them as they are. Commands, tool output, names and packet lines in
// them are never translated.

// text is the lab as the student reads it now: titles in reports come
// from it, so a language switch shows in the next report.
func (s *Lesson) text() *labs.Lab { return s.Lab.In(i18n.Current()) }

// stepTitle is the title of step i (0-based) in the student's language.
// saved is the title the engine recorded when the step ran: it stays when
// the lab's step i has another title now (the lab file was edited since).
func (s *Lesson) stepTitle(i int, saved string) string {
	if i < 0 || i >= len(s.Lab.Steps) || s.Lab.Steps[i].Title != saved {
		return saved
	}
	if l := s.text(); i < len(l.Steps) {
		return l.Steps[i].Title
	}
	return saved
}

// q quotes a command, a text or a packet word as the reports show it.
func q(s any) string { return fmt.Sprintf("%q", s) }
