package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// maxEntries bounds the capture pane's memory however long it runs.
const maxEntries = 5000

// captureModel is the capture pane: live packets from the current step's
// interfaces (or those the student chose), merged and labelled.
type captureModel struct {
	ctx     *shared
	entries []*pktEntry
	held    []*pktEntry // arrived while paused
	paused  bool
	dirty   bool // packets arrived since the last frame

	tail     bool      // the selection follows the newest line
	selected *pktEntry // when not tail

	filter    *capture.Filter
	input     textinput.Model
	typing    bool
	filterErr string

	targets []capture.Target
	manual  bool // the student chose the interfaces
	src     PacketSource
	gen     int
	openErr string
	seen    int // packets received, including those dropped from the buffer

	chooser ifaceChooser
}

func newCaptureModel(ctx *shared) captureModel {
	in := textinput.New()
	in.CharLimit = 200
	c := captureModel{ctx: ctx, tail: true, input: in}
	c.relabel()
	return c
}

// relabel writes the filter input's words in the current language.
func (c *captureModel) relabel() {
	c.input.Prompt = i18n.T("tui.capture.filterPrompt", "filter: ")
	c.input.Placeholder = i18n.T("tui.capture.filterPlaceholder", "tcpdump words, e.g. icmp or arp")
}

// add appends entries, dropping the oldest beyond maxEntries.
func (c *captureModel) add(es ...*pktEntry) {
	if c.paused {
		c.held = bound(append(c.held, es...))
		return
	}
	c.entries = bound(append(c.entries, es...))
	c.dirty = true
}

func bound(es []*pktEntry) []*pktEntry {
	if len(es) <= maxEntries+maxEntries/4 {
		return es
	}
	drop := len(es) - maxEntries
	for i := range drop {
		es[i] = nil
	}
	return append(es[:0:0], es[drop:]...)
}

// addPackets files a batch from the live capture.
func (c *captureModel) addPackets(pkts []capture.Packet) {
	es := make([]*pktEntry, len(pkts))
	for i, p := range pkts {
		es[i] = newLiveEntry(p)
	}
	c.seen += len(pkts)
	c.add(es...)
}

// addReport adds what a step saw on interfaces the live capture did not
// cover (the live capture already shows the others, with their bytes).
func (c *captureModel) addReport(lines []runner.PacketLine) {
	live := map[string]bool{}
	if c.src != nil {
		for _, t := range c.targets {
			live[t.Where()] = true
		}
	}
	var es []*pktEntry
	for _, l := range lines {
		if !live[l.Label] {
			es = append(es, newReportEntry(l))
		}
	}
	c.add(es...)
}

// visible lists the entries the filter lets through.
func (c *captureModel) visible() []*pktEntry {
	if c.filter == nil {
		return c.entries
	}
	out := make([]*pktEntry, 0, len(c.entries))
	for _, e := range c.entries {
		if e.kind == kindMarker || e.hasData && c.filter.Match(e.pkt.Data) {
			out = append(out, e)
		}
	}
	return out
}

// selectedIndex is the selection's index in vis (-1 when empty).
func (c *captureModel) selectedIndex(vis []*pktEntry) int {
	if c.tail || c.selected == nil {
		return len(vis) - 1
	}
	for i, e := range vis {
		if e == c.selected {
			return i
		}
	}
	return len(vis) - 1
}

// current is the selected entry, nil when none.
func (c *captureModel) current() *pktEntry {
	vis := c.visible()
	if i := c.selectedIndex(vis); i >= 0 {
		return vis[i]
	}
	return nil
}

func (c *captureModel) move(delta int) {
	vis := c.visible()
	if len(vis) == 0 {
		return
	}
	i := c.selectedIndex(vis) + delta
	if i >= len(vis)-1 {
		c.tail, c.selected = true, nil
		return
	}
	if i < 0 {
		i = 0
	}
	c.tail, c.selected = false, vis[i]
}

func (c *captureModel) setPaused(p bool) {
	c.paused = p
	if !p && len(c.held) > 0 {
		held := c.held
		c.held = nil
		c.add(held...)
	}
}

// Update handles the pane's keys (every key while a filter is typed); the
// root model routes them here when the capture pane is shown.
func (c captureModel) Update(msg tea.KeyMsg) (captureModel, tea.Cmd) {
	k := c.ctx.keys
	page := c.ctx.bodyH - 2
	if c.typing {
		switch {
		case key.Matches(msg, k.Choose):
			text := strings.TrimSpace(c.input.Value())
			if text == "" {
				c.filter, c.filterErr, c.typing = nil, "", false
				c.input.Blur()
				return c, nil
			}
			f, err := capture.ParseFilter(text)
			if err != nil {
				c.filterErr = err.Error()
				return c, nil
			}
			c.filter, c.filterErr, c.typing = f, "", false
			c.input.Blur()
			return c, nil
		case key.Matches(msg, k.Back):
			c.typing, c.filterErr = false, ""
			c.input.Blur()
			return c, nil
		}
		var cmd tea.Cmd
		c.input, cmd = c.input.Update(msg)
		return c, cmd
	}
	switch {
	case key.Matches(msg, k.Up):
		c.move(-1)
	case key.Matches(msg, k.Down):
		c.move(1)
	case key.Matches(msg, k.PageUp):
		c.move(-page)
	case key.Matches(msg, k.PageDown):
		c.move(page)
	case key.Matches(msg, k.Top):
		c.move(-len(c.entries))
	case key.Matches(msg, k.Bottom):
		c.tail, c.selected = true, nil
	case key.Matches(msg, k.Pause):
		c.setPaused(!c.paused)
	case key.Matches(msg, k.Filter):
		c.typing = true
		if c.filter != nil {
			c.input.SetValue(c.filter.String())
		}
		c.input.CursorEnd()
		return c, c.input.Focus()
	}
	return c, nil
}

// keys are the bindings the help line shows on the pane.
func (c *captureModel) keys() []key.Binding {
	k := c.ctx.keys
	if c.typing {
		return []key.Binding{k.Choose, k.Back}
	}
	return []key.Binding{k.Up, k.Down, k.Follow, k.Filter, k.Pause, k.Ifaces, k.Save, k.NextPane, k.Help}
}

// savable is what "w" writes: the packets with bytes the filter shows.
func (c *captureModel) savable() []capture.Packet {
	var out []capture.Packet
	for _, e := range c.visible() {
		if e.hasData {
			out = append(out, e.pkt)
		}
	}
	return out
}

// View renders the pane in w x h.
func (c *captureModel) View(w, h int) string {
	ctx := c.ctx
	st := ctx.st
	var head []string
	where := i18n.T("tui.capture.noIfaces", "no interfaces (this step captures nothing; {{.Key}} chooses some)", "Key", keyName(ctx.keys.Ifaces))
	if len(c.targets) > 0 {
		var names []string
		for _, t := range c.targets {
			names = append(names, t.String())
		}
		where = strings.Join(names, ", ")
		if c.manual {
			where += i18n.T("tui.capture.chosen", " (chosen)")
		}
	}
	state := st.OK.Render(i18n.T("tui.capture.live", "live"))
	if c.paused {
		state = st.Warn.Render(i18n.N("tui.capture.paused", len(c.held), "paused, {{.Count}} held", "paused, {{.Count}} held"))
	}
	if c.src == nil {
		state = st.Subtle.Render(i18n.T("tui.capture.off", "not capturing"))
	}
	head = append(head, ansi.Truncate(st.Bold.Render(i18n.T("tui.capture.on", "Capture on "))+where+"  "+state, w, "…"))
	if c.openErr != "" {
		head = append(head, ansi.Truncate(st.Error.Render(c.openErr), w, "…"))
	}
	var foot []string
	switch {
	case c.typing:
		c.input.Width = w - ansi.StringWidth(c.input.Prompt) - 2
		foot = append(foot, c.input.View())
		if c.filterErr != "" {
			foot = append(foot, ansi.Truncate(st.Error.Render(c.filterErr), w, "…"))
		}
	case c.filter != nil:
		foot = append(foot, ansi.Truncate(st.Subtle.Render(i18n.T("tui.capture.filterPrompt", "filter: "))+c.filter.String(), w, "…"))
	}
	vis := c.visible()
	rows := h - len(head) - len(foot)
	if rows < 1 {
		rows = 1
	}
	sel := c.selectedIndex(vis)
	start := 0
	if len(vis) > rows {
		start = sel - rows + 1
		if start < 0 {
			start = 0
		}
		if start > len(vis)-rows {
			start = len(vis) - rows
		}
	}
	lines := head
	if len(vis) == 0 {
		msg := i18n.T("tui.capture.empty", "no packets yet: run the step, or ping from a shell ({{.Key}})", "Key", keyName(ctx.keys.Shell))
		if len(c.entries) > 0 {
			msg = i18n.T("tui.capture.noMatch", "no packet matches the filter")
		}
		lines = append(lines, st.Subtle.Render(msg))
	}
	labelW := 10
	for _, e := range vis[start:min(len(vis), start+rows)] {
		labelW = max(labelW, ansi.StringWidth(e.label))
	}
	for i := start; i < len(vis) && i < start+rows; i++ {
		lines = append(lines, c.line(st, vis[i], w, labelW, i == sel && !c.tail))
	}
	for len(lines) < h-len(foot) {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, foot...), "\n")
}

func (c *captureModel) line(st *styles, e *pktEntry, w, labelW int, selected bool) string {
	if e.kind == kindMarker {
		return ansi.Truncate(st.Subtle.Render("── "+e.summary+" ──"), w, "…")
	}
	text := fmt.Sprintf("%s %-*s %-3s %s", e.time, labelW, e.label, e.dir, e.text())
	text = ansi.Truncate(text, w, "…")
	if selected {
		return st.PktSelected.Render(text)
	}
	return kindStyle(st, e.kind).Render(text)
}

func kindStyle(st *styles, k pktKind) lipgloss.Style {
	switch k {
	case kindARP:
		return st.PktARP
	case kindRequest:
		return st.PktRequest
	case kindReply:
		return st.PktReply
	case kindError:
		return st.PktError
	}
	return st.PktOther
}
