package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/labs/i18n"
)

// scroll is a text pane's offset in its wrapped lines, moved by the scroll
// keys; the view clamps it to the text it shows.
type scroll struct{ off int }

// textPane is what the topology and changes panes share: the lab they
// read and a scroll through the lines they draw from it.
type textPane struct {
	ctx *shared
	d   *labData
	scroll
}

// Update scrolls the pane.
func (p textPane) Update(msg tea.KeyMsg) (textPane, tea.Cmd) {
	p.scroll = p.scroll.update(msg, p.ctx.keys, p.ctx.page())
	return p, nil
}

// update moves the offset for a scroll key (a page is page lines) and
// leaves it for any other.
func (s scroll) update(msg tea.KeyMsg, k KeyMap, page int) scroll {
	switch {
	case key.Matches(msg, k.Up):
		s.off--
	case key.Matches(msg, k.Down):
		s.off++
	case key.Matches(msg, k.PageUp):
		s.off -= page
	case key.Matches(msg, k.PageDown):
		s.off += page
	case key.Matches(msg, k.Top):
		s.off = 0
	case key.Matches(msg, k.Bottom):
		s.off = 1 << 30
	}
	s.off = max(0, s.off) // the view clamps the other end
	return s
}

// lines wraps lines to w and shows h of them from the offset.
func (s *scroll) lines(ctx *shared, lines []string, w, h int) string {
	wrapped, _ := wrapLines(lines, w, 0)
	return s.view(ctx, wrapped, w, h, false)
}

// view shows h of the wrapped lines from the offset, saying how many lie
// below and, with above (the step pane: after a step ran its text is
// scrolled away to show the outcome), how many lie above.
func (s *scroll) view(ctx *shared, wrapped []string, w, h int, above bool) string {
	k := ctx.keys
	s.off = max(0, min(s.off, len(wrapped)-h))
	end := min(len(wrapped), s.off+h)
	out := append([]string(nil), wrapped[s.off:end]...)
	if len(wrapped) > h && h > 1 {
		more := "↓ " + i18n.N("tui.scroll.more", len(wrapped)-end, "{{.Count}} more lines ({{.Down}}, {{.PageDown}})", "{{.Count}} more lines ({{.Down}}, {{.PageDown}})", "Down", keyName(k.Down), "PageDown", keyName(k.PageDown))
		if end == len(wrapped) {
			more = i18n.T("tui.scroll.end", "(end)")
		}
		out = append(out[:len(out)-1], ctx.st.Subtle.Render(more))
		if above && s.off > 0 && h > 2 {
			out[0] = ctx.st.Subtle.Render("↑ " + i18n.N("tui.scroll.above", s.off, "{{.Count}} lines above ({{.Up}}, {{.Top}})", "{{.Count}} lines above ({{.Up}}, {{.Top}})", "Up", keyName(k.Up), "Top", keyName(k.Top)))
		}
	}
	return fit(strings.Join(out, "\n"), w, h)
}

// wrapLines splits and wraps lines to w; at is an index in lines, and the
// index of its first line in the result is returned with it.
func wrapLines(lines []string, w, at int) ([]string, int) {
	var wrapped []string
	atOut := 0
	for i, l := range lines {
		if i == at {
			atOut = len(wrapped)
		}
		wrapped = append(wrapped, strings.Split(wrap(l, w), "\n")...)
	}
	return wrapped, atOut
}

// fit pads or cuts s to exactly w x h cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		if lw > w {
			l = ansi.Truncate(l, w, "")
			lw = ansi.StringWidth(l)
		}
		lines[i] = l + strings.Repeat(" ", w-lw)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}
