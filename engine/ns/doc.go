// Package ns is netlab's one way into a network namespace, shaped like
// CNI's pkg/ns: GetNS opens a namespace file, NetNS.Do runs a function on
// a fresh goroutine locked to an OS thread switched into it, Create binds
// a new namespace to a file and Remove takes it away again, IsNSMount tells
// a bound namespace from anything else. It holds the one definition of
// the machine's own network namespace (see machine.go), which every
// function here refuses to open, enter or remove.
//
// It knows nothing of netlab's run directory: engine checks that a path
// is one of its own namespace files before it asks this package to create
// or remove it.
package ns
