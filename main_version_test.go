package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionLine: the version and commit come from the build info, with
// "(devel)" when the binary carries none.
func TestVersionLine(t *testing.T) {
	setting := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "netlab (devel)"},
		{"checkout, clean", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: setting("vcs.revision", "f3d0641c2a7b9e0d1f2a3b4c5d6e7f8091a2b3c4", "vcs.modified", "false")}, true, "netlab (devel) commit f3d0641c2a7b"},
		{"checkout, modified", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: setting("vcs.revision", "f3d0641c2a7b9e0d", "vcs.modified", "true")}, true, "netlab (devel) commit f3d0641c2a7b (modified)"},
		{"released module", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, true, "netlab v1.2.0"},
		{"empty version", &debug.BuildInfo{}, true, "netlab (devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.bi, tt.ok); got != tt.want {
				t.Errorf("versionLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionFlag: netlab --version prints one line, without root.
func TestVersionFlag(t *testing.T) {
	c := rootCmd()
	var out strings.Builder
	c.SetOut(&out)
	c.SetArgs([]string{"--version"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "netlab ") || strings.Count(got, "\n") != 1 {
		t.Errorf("netlab --version printed %q, want one line starting with \"netlab \"", got)
	}
}
