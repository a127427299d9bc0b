// Package engine turns the commands a person would type (ip, brctl, ifconfig,
// sysctl, iptables, ping, ...) into typed operations on the kernel and runs
// them natively with netlink, netns and go-iptables inside network namespaces
// that netlab creates. No shell is ever involved. The command language
// itself (tokenizer, grammars, typed operations) is package engine/cmdline;
// Parse binds each of its operations to the action here that runs it
// (bind.go), and each action reports what it decides (decides).
//
// A Session owns the lab's nodes: the lab hosts (namespaces standing for a
// student's machine or the outside network) and the namespaces their
// commands create. Every step is journalled under the session's run
// directory before it touches the kernel, so another process can continue,
// undo or reset it, even after a crash. Undo reconciles the lab back to the
// Snapshot taken before the step, which makes it exact for destructive
// commands too. Each mutating command also derives the Checks that tell
// whether its effect is present, so a step done by hand can be verified.
package engine
