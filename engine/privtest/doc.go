// Package privtest holds the rule every privileged test follows: a test
// that needs root skips when it lacks it, except in CI (CI=true), where a
// privileged test that cannot run is a failure. RunListing lets a test
// check that the machine's /run is as it found it, and TmuxSocket gives a
// test that drives a terminal a tmux server that leaves nothing behind.
//
// It lives under engine although capture, labs/runner, tui and main's
// tests use it too, because a test needs root for one reason only: it
// makes network namespaces (with engine/ns, or engine's Session), and
// /run is where engine keeps them. The fixed layout (main.go, engine/,
// labs/, capture/, tui/, assets/) has no shared test directory, and none
// of the others fits better: capture's and tui's tests make namespaces
// as users of what engine provides, and labs is the lab-file model, which
// must build without the kernel. Only _test.go files import it, so no binary carries it.
package privtest
