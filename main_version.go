package main

import (
	"runtime/debug"
)

// version is what netlab --version prints, read from the build info Go
// embeds in the binary: the module's version ("(devel)" for a build from
// a checkout) and, when built in a git work tree, the commit and whether
// the tree had uncommitted changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionLine(bi, ok)
}

// versionLine formats the build info: "netlab (devel) commit 1a2b3c4d5e6f
// (modified)", "netlab v1.2.0 commit ...", or "netlab (devel)" when the
// binary carries nothing.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	v := "(devel)"
	if !ok || bi == nil {
		return "netlab " + v
	}
	if bi.Main.Version != "" {
		v = bi.Main.Version
	}
	line := "netlab " + v
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " commit " + rev
		if modified {
			line += " (modified)"
		}
	}
	return line
}
