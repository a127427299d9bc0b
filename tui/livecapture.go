package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
)

// The root's side of the live capture: it opens and closes the capture
// as the current step changes, reads it one batch per message and
// coalesces the redraws (the capture pane shows what it reads).

// onPackets files a batch and re-arms the reader.
func (m *Model) onPackets(msg packetsMsg) tea.Cmd {
	if msg.gen != m.capture.gen {
		return nil // a capture replaced since; its reader ends here
	}
	m.capture.addPackets(msg.pkts)
	var cmds []tea.Cmd
	if msg.closed {
		m.capture.src = nil
	} else {
		cmds = append(cmds, readPacketsCmd(msg.gen, m.capture.src.Packets()))
	}
	if !m.framePending {
		m.framePending = true
		cmds = append(cmds, frameCmd())
	}
	return tea.Batch(cmds...)
}

// onCaptureOpened starts reading a capture just opened, unless another
// replaced it meanwhile.
func (m *Model) onCaptureOpened(msg captureOpenedMsg) tea.Cmd {
	if msg.gen != m.capture.gen {
		if msg.src != nil {
			return closeCaptureCmd(msg.src)
		}
		return nil
	}
	m.capture.openErr = ""
	if msg.err != nil {
		m.capture.openErr = msg.err.Error()
		return nil
	}
	if msg.src == nil {
		return nil
	}
	m.capture.src = msg.src
	return readPacketsCmd(msg.gen, msg.src.Packets())
}

// retarget points the live capture at targets, replacing the old one.
func (m *Model) retarget(targets []capture.Target) tea.Cmd {
	c := &m.capture
	if sameTargets(targets, c.targets) && (c.src != nil || len(targets) == 0) {
		return nil
	}
	var cmds []tea.Cmd
	if c.src != nil {
		cmds = append(cmds, closeCaptureCmd(c.src))
	}
	c.gen++
	c.src, c.targets, c.openErr = nil, targets, ""
	cmds = append(cmds, openCaptureCmd(m.be, c.gen, targets))
	return tea.Batch(cmds...)
}

// stopCapture closes the live capture (the returned cmd does it off the UI).
func (m *Model) stopCapture() tea.Cmd {
	c := &m.capture
	c.gen++
	src := c.src
	c.src, c.targets = nil, nil
	if src != nil {
		return closeCaptureCmd(src)
	}
	return nil
}

// quitting stops the live capture on the way out (busy says how) and
// returns its source: the command that quits closes it first.
func (m *Model) quitting(busy string) PacketSource {
	m.busy = busy
	src := m.capture.src
	m.stopCapture()
	return src
}

func sameTargets(a, b []capture.Target) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
