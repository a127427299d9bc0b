package engine

import (
	"os"
	"testing"
)

// setupSpec is a lab whose second setup command runs long enough to be
// killed in the middle.
func setupSpec() Spec {
	var setup []NodeCommand
	for _, l := range []string{"brctl addbr br0", "ping -c 50 -i 0.2 127.0.0.1", "ip link set br0 up"} {
		c, _ := Parse(l)
		setup = append(setup, NodeCommand{Node: "host", Command: c})
	}
	return Spec{Hosts: []string{"host", "peer"}, Setup: setup, Meta: map[string]string{"lab": "killed"}}
}

// TestMain lets the crash test run this binary as a netlab process that is
// killed in the middle of a step.
func TestMain(m *testing.M) {
	if dir := os.Getenv("NETLAB_SETUP_HELPER"); dir != "" {
		Create(dir, setupSpec()) // killed during its setup's ping
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_PENDING_CRASH_HELPER"); dir != "" {
		pendingCrashHelper(dir) // killed with its rules pending
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_BATCH_CRASH_HELPER"); dir != "" {
		batchCrashHelper(dir) // killed after its batch of rules
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_ENTER_HELPER"); dir != "" {
		enterHelper(dir) // becomes the program, as "netlab exec" does
		os.Exit(4)
	}
	if dir := os.Getenv("NETLAB_DELETE_CRASH_HELPER"); dir != "" {
		deleteCrashHelper(dir) // killed after deleting a link
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_CRASH_HELPER"); dir != "" {
		s, err := Open(dir)
		if err != nil {
			os.Exit(3)
		}
		var cmds []*Command
		for _, l := range []string{"brctl addbr br01", "ip netns add ns01", "ip link add veth01 type veth peer name br-veth01",
			"ping -c 50 -i 0.2 127.0.0.1", "ip link set br01 up"} {
			c, _ := Parse(l)
			cmds = append(cmds, c)
		}
		applyNext(s, Transaction{Index: 4, Title: "doomed", Commands: cmds})
		os.Exit(0)
	}
	os.Exit(m.Run())
}
