package runner

import "context"

// SetContext makes ctx cancel what the session does next: a step running
// (Step returns an error matching engine.ErrCancelled once the step is
// rolled back) and any wait for another netlab process's lock
// (engine.ErrStoppedWaiting). An undo under way always finishes. nil
// means never cancelled. See engine.Session.SetContext.
func (s *Lesson) SetContext(ctx context.Context) { s.eng.SetContext(ctx) }
