// Package rootless lets a user without root run netlab: a holder process
// owns a user namespace (the user's own id mapped to root), a mount
// namespace where the lab's namespace files are bind-mounted, and an empty
// network namespace that stands in for the machine's; every later netlab
// command joins those three before Go starts (util-linux nsenter) and runs
// as root inside them. The kernel itself keeps such a process away from
// the machine's namespaces: it has no capability outside the user
// namespace it owns.
//
// The package chooses the user's run directory, checks that the machine
// lets unprivileged users create user namespaces (and says how to allow
// it when not), starts and finds the holder, and joins it.
package rootless
