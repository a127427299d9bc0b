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
}

// Error renders "file:line:col: message", the form editors and CI jump to.
func (e Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

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

// errList collects the errors of one file.
type errList struct {
	file string
	errs Errors
}

func (l *errList) add(line, col int, format string, a ...any) {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	l.errs = append(l.errs, Error{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)})
}

// err returns the collected errors sorted, or nil when there are none.
func (l *errList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	l.errs.sort()
	return l.errs
}
