package labs

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a lab file, at a 1-based line and column
// (columns count characters, not bytes).
type Error struct {
	File string
	Line int
	Col  int
	Msg  string

	// Warning marks something that may go wrong (a step that can run past
	// its time limit) but does not stop the lab from loading or linting.
	Warning bool
}

// Error renders "file:line:col: message", the form editors and CI jump
// to; a warning reads "file:line:col: warning: message".
func (e Error) Error() string {
	if e.Warning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// MaxErrorsPerFile is how many problems one file reports before the rest
// are summed up as "... and N more errors": a hostile file could
// otherwise print millions of lines.
const MaxErrorsPerFile = 50

// Errors is every problem found in one or more lab files. Its Error prints
// one "file:line:col: message" per line.
type Errors []Error

// Error renders every error, one "file:line:col: message" per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders errors by file, line and column, keeping the order of errors
// at the same place.
func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Failed reports whether es holds an error, not only warnings.
func (es Errors) Failed() bool {
	for _, e := range es {
		if !e.Warning {
			return true
		}
	}
	return false
}

// errList collects the errors and warnings of one file, keeping at most
// MaxErrorsPerFile errors and counting the rest.
type errList struct {
	file     string
	errs     Errors // errors and warnings, in the order found
	nErrs    int    // errors kept in errs
	more     int    // errors dropped past MaxErrorsPerFile
	warnings int

	// quiet drops what lint reports while it follows a command that the
	// step itself expects to fail (a "fails" entry).
	quiet bool
}

func (l *errList) add(line, col int, format string, a ...any) {
	l.put(line, col, false, format, a...)
}

// warn records a warning: it is reported, but the lab still loads.
func (l *errList) warn(line, col int, format string, a ...any) {
	l.put(line, col, true, format, a...)
}

func (l *errList) put(line, col int, warning bool, format string, a ...any) {
	if l.quiet {
		return
	}
	if warning && l.warnings >= MaxErrorsPerFile {
		return
	}
	if !warning && l.nErrs >= MaxErrorsPerFile {
		l.more++
		return
	}
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	if warning {
		l.warnings++
	} else {
		l.nErrs++
	}
	l.errs = append(l.errs, Error{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...), Warning: warning})
}

// full reports whether no more errors will be kept, so that callers can
// skip the work of placing them.
func (l *errList) full() bool { return l.nErrs >= MaxErrorsPerFile }

// failed reports whether an error (not a warning) was recorded.
func (l *errList) failed() bool { return l.nErrs > 0 }

// all returns everything recorded, sorted, with a closing "... and N more
// errors" entry when some were dropped.
func (l *errList) all() Errors {
	l.errs.sort()
	out := l.errs
	if l.more > 0 {
		last := out[len(out)-1]
		out = append(out, Error{File: l.file, Line: last.Line, Col: last.Col,
			Msg: fmt.Sprintf("... and %d more errors (only the first %d are listed)", l.more, MaxErrorsPerFile)})
	}
	return out
}

// err returns the collected errors (with any warnings) sorted, or nil when
// there is no error.
func (l *errList) err() error {
	if !l.failed() {
		return nil
	}
	return l.all()
}

// warningsOnly returns the warnings recorded, sorted; nil when none.
func (l *errList) warningsOnly() Errors {
	var out Errors
	for _, e := range l.all() {
		if e.Warning {
			out = append(out, e)
		}
	}
	return out
}
