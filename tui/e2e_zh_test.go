package tui

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/privtest"
	"github.com/netlab/netlab/labs/i18n"
)

// TestEndToEndTmuxChinese walks the bridge lab in the real binary with
// LANG=zh_CN.UTF-8, in a tmux pane of 100x30 (tmux -u: this machine may
// not have the zh_CN locale, and tmux must still draw UTF-8), on a
// throwaway run directory: the interface is in Chinese from the start,
// and so are the step titles when the built-in lab translates them (the
// test looks for the Chinese title of step 1 when bridge.In(zh) has one,
// else for the interface's Chinese words only). L switches to English
// and back in place; the rest of the steps run in one go (run all), then
// it quits tearing the lab down.
func TestEndToEndTmuxChinese(t *testing.T) {
	bin := e2eBinary(t)
	run := filepath.Join(t.TempDir(), "run")
	t.Cleanup(func() {
		if err := engine.Reset(run); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	sock := privtest.TmuxSocket(t)
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-u", "-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30",
		fmt.Sprintf("env -u NETLAB_LANG -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 NETLAB_RUN=%s TERM=xterm-256color %s; echo NETLAB-EXITED $?; sleep 60", run, bin))
	keys := func(k ...string) { tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...) }
	wait := func(what string, parts ...string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := tmux("capture-pane", "-p", "-t", "e2e")
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(s, p)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: screen lacks %q:\n%s", what, parts, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	lab := bridgeLab(t)
	zh := lab.In(i18n.Chinese)
	// the step titles in Chinese once the lab translates them; until then
	// the interface's words alone
	title := func(i int) []string {
		if zh.Steps[i].Title != lab.Steps[i].Title {
			return []string{zh.Steps[i].Title}
		}
		return nil
	}
	wait("picker", "netlab：选择一个实验", "共 16 步")
	keys("Enter")
	wait("start", append(title(0), "第 1/16 步", "已启动实验 bridge", "步骤", "拓扑", "执行本步")...)
	keys("Enter")
	wait("step 1", "第 1 步完成", "已完成 1/16")
	keys("Enter")
	wait("show step 2", append(title(1), "第 2/16 步")...)

	keys("L")
	wait("English", "language: English", "Step 2 of 16", "1/16 done", "run step")
	keys("L")
	wait("Chinese again", "语言：简体中文", "第 2/16 步")

	keys("Enter")
	wait("step 2", "第 2 步完成", "已完成 2/16")
	keys("Tab")
	wait("topology", "内核中实验的当前状态", "实验主机")
	keys("BTab", "a")
	wait("run all", "第 16 步完成，这是最后一步", "已完成 16/16")
	keys("q")
	wait("quit dialog", "退出 netlab", "拆除")
	keys("t")
	wait("exit", "NETLAB-EXITED 0")
	if _, err := engine.Open(run); !errors.Is(err, engine.ErrNoSession) {
		t.Fatalf("a session is left in %s after tearing down: %v", run, err)
	}
}
