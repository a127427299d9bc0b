package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sysctlRoot is where the kernel's settings are read; tests point it at a
// directory of their own.
var sysctlRoot = "/proc/sys"

// RefusalError says why the machine forbids unprivileged user namespaces
// and how an administrator allows them once.
type RefusalError struct {
	Setting string // the sysctl, as sysctl names it
	Value   string
	Why     string
	Fix     string // one line an administrator runs
}

// Error is the whole refusal, fix and alternative included.
func (e *RefusalError) Error() string {
	return fmt.Sprintf("netlab cannot run without root here: %s (%s = %s). An administrator allows it once with:\n  %s\nor run it with sudo", e.Why, e.Setting, e.Value, e.Fix)
}

// Check reports whether the machine lets this user create a user
// namespace, in the order the settings are checked: the count limit, then
// Ubuntu's AppArmor restriction, then Debian's switch. A setting whose
// file is absent is not that case. self is the netlab program (the
// AppArmor profile names it).
func Check(self string) error {
	if v, ok := readSysctl("user/max_user_namespaces"); ok && v == "0" {
		return &RefusalError{Setting: "user.max_user_namespaces", Value: v,
			Why: "the kernel allows no user namespaces",
			Fix: "sudo sysctl -w user.max_user_namespaces=15000   (and the same line in /etc/sysctl.d/90-netlab.conf to keep it)"}
	}
	if v, ok := readSysctl("kernel/apparmor_restrict_unprivileged_userns"); ok && v == "1" {
		return &RefusalError{Setting: "kernel.apparmor_restrict_unprivileged_userns", Value: v,
			Why: "AppArmor lets only programs with a profile create user namespaces",
			Fix: fmt.Sprintf(`printf 'abi <abi/4.0>,\ninclude <tunables/global>\nprofile netlab %s flags=(unconfined) {\n  userns,\n}\n' | sudo tee /etc/apparmor.d/netlab && sudo apparmor_parser -r /etc/apparmor.d/netlab`, self)}
	}
	if v, ok := readSysctl("kernel/unprivileged_userns_clone"); ok && v == "0" {
		return &RefusalError{Setting: "kernel.unprivileged_userns_clone", Value: v,
			Why: "Debian's kernel switch for unprivileged user namespaces is off",
			Fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1   (and the same line in /etc/sysctl.d/90-netlab.conf to keep it)"}
	}
	return nil
}

func readSysctl(key string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(sysctlRoot, key))
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}
