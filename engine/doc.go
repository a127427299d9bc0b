// Package engine turns the commands a person would type (ip, brctl, ifconfig,
// sysctl, iptables, ping, ...) into typed operations on the kernel and runs
// them natively with netlink, netns and go-iptables inside network namespaces
// that netlab creates. No shell is ever involved.
//
// The command language itself (tokenizer, one grammar per program, typed
// operations) is package engine/cmdline; Parse binds each of its operations
// to the action here that runs it, through the one table in bind.go. An
// action runs (what the real tool would print), checks (whether its effect
// is present) and says what it decides (so a step checks only the last word
// on each thing).
//
// Each kernel object has one file, op_<object>.go: the actions that change
// it (run, check, decides), then how a snapshot reads it, the facts it is
// compared and listed by, and how undo restores it. The objects are listed
// once, in objects.go, in the order undo restores them. op_link_kinds.go
// holds what differs between link kinds. Read-only tools that change no
// object have a file of their own (ping.go, show.go); iptables_batch.go is
// how a step's rules go to one iptables-restore.
//
// A Session owns the lab's nodes: the lab hosts (namespaces standing for a
// student's machine or the outside network) and the namespaces their
// commands create. Every step is journalled under the session's run
// directory before it touches the kernel, so another process can continue,
// undo or reset it, even after a crash. Undo reconciles the lab back to the
// Snapshot taken before the step, which makes it exact for destructive
// commands too. Each mutating command also derives the Checks that tell
// whether its effect is present, so a step done by hand can be verified.
//
// Adding a command family:
//
//  1. a grammar file in engine/cmdline and a line in its programs table
//     (cmdline/command.go); a new kind of operation is a type in
//     cmdline/ops.go with its Mutating and op methods, and golden lines in
//     cmdline's parse tests;
//  2. the action that runs the operation, in the op file of the kernel
//     object it changes (or a file of its own for a read-only tool), and a
//     line in bind's table (bind.go);
//  3. only for a new kind of kernel state: an op_<object>.go implementing
//     object (kind, read, facts and a restorer), its fields in NodeSnap
//     (snapshot.go), a line in objects and its kind in changeKinds
//     (objects.go), and its place in TestObjectsRestoreOrder's order.
package engine
