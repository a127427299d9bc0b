// Package runner plays a lab against the kernel: it turns a lab's steps
// into engine steps, captures packets on the step's interfaces while they
// run, judges the step's expectations and derived checks, and reports what
// changed. The command-line verbs (start, step, undo, status, test) and the
// TUI share it, so a step run in one is seen by the other. Package labs
// itself stays free of kernel work; this package is where the two meet.
package runner
