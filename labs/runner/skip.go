package runner

// This file holds the steps the running kernel cannot do: a step whose
// command asks for a kernel feature this machine lacks (a VLAN link
// without the 8021q module) is rolled back by the engine and then passed
// over, recorded as applied with nothing done, so the lab goes on. A
// later step that uses a name the skipped step would have made is passed
// over too. Neither ever counts as passed.

import (
	"fmt"
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/cmdline"
	"github.com/netlab/netlab/labs/i18n"
)

// skippedText is why a step is skipped, in the student's language.
func skippedText(mf *engine.MissingFeatureError) string {
	return i18n.T("runner.skip.feature", "this kernel has no {{.Feature}}, so it cannot make a {{.Kind}} link (netlab never loads kernel modules)",
		"Feature", mf.Feature, "Kind", mf.Kind)
}

// skip records step i as passed over for reason: nothing of it stays
// applied, and the session moves to the next step.
func (s *Lesson) skip(i int, rep *StepReport, reason string) (*StepReport, error) {
	st := s.Lab.Steps[i]
	es := engine.Transaction{Index: i, Title: st.Title, Node: st.Node, Skipped: reason}
	if _, err := s.eng.ApplyStep(es); err != nil {
		return nil, err
	}
	rep.Skipped = reason
	return rep, nil
}

// needsSkipped is why step i cannot run when it names a link a skipped
// step would have made; "" when it does not.
func (s *Lesson) needsSkipped(i int) string {
	made := map[string]int{}
	for _, a := range s.eng.State().Applied {
		if a.Skipped == "" || a.Index >= len(s.Lab.Steps) {
			continue
		}
		for _, c := range s.Lab.Steps[a.Index].Commands {
			if c.Parsed == nil {
				continue
			}
			for _, op := range c.Parsed.Ops {
				if la, ok := op.(*cmdline.LinkAdd); ok {
					made[la.Name] = a.Index + 1
					if la.Peer != "" {
						made[la.Peer] = a.Index + 1
					}
				}
			}
		}
	}
	if len(made) == 0 {
		return ""
	}
	for _, c := range s.Lab.Steps[i].Commands {
		for _, w := range strings.Fields(c.Text) {
			if n, ok := made[w]; ok {
				return i18n.T("runner.skip.needs", "it uses {{.Name}}, which skipped step {{.N}} would have made", "Name", w, "N", fmt.Sprint(n))
			}
		}
	}
	return ""
}
