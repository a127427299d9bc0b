package rootless

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: each setting that forbids unprivileged user namespaces is
// refused with its name, its fix and sudo, in the order; an absent
// file is not that case.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		setting string // "" for no refusal
		fix     string
	}{
		{name: "nothing readable", files: nil},
		{name: "all allowed", files: map[string]string{"user/max_user_namespaces": "96363\n", "kernel/apparmor_restrict_unprivileged_userns": "0\n", "kernel/unprivileged_userns_clone": "1\n"}},
		{name: "max_user_namespaces 0", files: map[string]string{"user/max_user_namespaces": "0\n"}, setting: "user.max_user_namespaces", fix: "sudo sysctl -w user.max_user_namespaces=15000"},
		{name: "Ubuntu's AppArmor", files: map[string]string{"user/max_user_namespaces": "15000\n", "kernel/apparmor_restrict_unprivileged_userns": "1\n"}, setting: "kernel.apparmor_restrict_unprivileged_userns", fix: "profile netlab /opt/netlab flags=(unconfined)"},
		{name: "Debian's switch", files: map[string]string{"kernel/unprivileged_userns_clone": "0\n"}, setting: "kernel.unprivileged_userns_clone", fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1"},
		{name: "the count first", files: map[string]string{"user/max_user_namespaces": "0", "kernel/apparmor_restrict_unprivileged_userns": "1", "kernel/unprivileged_userns_clone": "0"}, setting: "user.max_user_namespaces"},
		{name: "AppArmor before Debian", files: map[string]string{"kernel/apparmor_restrict_unprivileged_userns": "1", "kernel/unprivileged_userns_clone": "0"}, setting: "kernel.apparmor_restrict_unprivileged_userns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for k, v := range tc.files {
				os.MkdirAll(filepath.Join(root, filepath.Dir(k)), 0o755)
				os.WriteFile(filepath.Join(root, k), []byte(v), 0o644)
			}
			old := sysctlRoot
			sysctlRoot = root
			defer func() { sysctlRoot = old }()
			err := Check("/opt/netlab")
			if tc.setting == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			r, ok := err.(*RefusalError)
			if !ok || r.Setting != tc.setting {
				t.Fatalf("got %v, want a refusal naming %s", err, tc.setting)
			}
			msg := err.Error()
			if !strings.Contains(msg, "or run it with sudo") || !strings.Contains(msg, tc.fix) || strings.Count(r.Fix, "\n") != 0 {
				t.Errorf("refusal: %s", msg)
			}
		})
	}
}
