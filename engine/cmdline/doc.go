// Package cmdline is netlab's command language: the tokenizer, one grammar
// per program (ip, brctl, ifconfig, sysctl, echo, iptables, ping, arp,
// tcpdump), and the typed operations a line parses into.
//
// It is pure: it imports only the standard library and never touches the
// kernel, so lint (package labs) and documentation can use it on any
// operating system. Package engine binds each operation to the action that
// runs it.
//
// Adding a command family means a grammar file here and one line in the
// programs table (command.go); a new kind of operation is a type in ops.go
// with its Mutating and op methods, and golden lines in parse_test.go.
// Package engine then needs the action that runs it and a line in its
// bind table (engine/bind.go); see package engine's doc.
package cmdline
