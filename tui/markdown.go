package tui

import (
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	glamourstyles "github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/lipgloss"
	xansi "github.com/charmbracelet/x/ansi"
)

// plainStyle is glamour's notty style without the emphasis markers: with
// colours off, notty writes **bold** and *italic* literally, which reads
// as noise in a lesson (issue 11). Bold and italic text stays, unmarked.
func plainStyle() ansi.StyleConfig {
	cfg := glamourstyles.NoTTYStyleConfig
	cfg.Emph = ansi.StylePrimitive{}
	cfg.Strong = ansi.StylePrimitive{}
	return cfg
}

// styleOption picks the renderer's style by name; "notty" is plainStyle.
func styleOption(name string) glamour.TermRendererOption {
	if name == "notty" {
		return glamour.WithStyles(plainStyle())
	}
	return glamour.WithStandardStyle(name)
}

// markdown renders lab text with glamour in a fixed style (never asking
// the terminal for its background), caching by text and width.
type markdown struct {
	style     string
	renderers map[int]*glamour.TermRenderer
	cache     map[mdKey]string
}

type mdKey struct {
	text  string
	width int
}

func newMarkdown(style string) *markdown {
	return &markdown{style: style, renderers: map[int]*glamour.TermRenderer{}, cache: map[mdKey]string{}}
}

// rewrapWide wraps again the lines of glamour's output wider than width:
// glamour wraps at spaces only, so a Chinese paragraph (no spaces) comes
// out as one long line. Its pieces keep the line's margin.
func rewrapWide(s string, width int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if xansi.StringWidth(l) <= width {
			out = append(out, l)
			continue
		}
		plain := xansi.Strip(l)
		margin := len(plain) - len(strings.TrimLeft(plain, " "))
		if 2*margin >= width-10 {
			margin = 0
		}
		body := xansi.TruncateLeft(l, margin, "")
		for _, p := range strings.Split(wrap(body, width-2*margin), "\n") {
			out = append(out, strings.Repeat(" ", margin)+p)
		}
	}
	return strings.Join(out, "\n")
}

func (m *markdown) render(text string, width int) string {
	if width < 20 {
		width = 20
	}
	k := mdKey{text, width}
	if s, ok := m.cache[k]; ok {
		return s
	}
	r := m.renderers[width]
	if r == nil {
		var err error
		r, err = glamour.NewTermRenderer(styleOption(m.style), glamour.WithWordWrap(width-4),
			glamour.WithColorProfile(lipgloss.ColorProfile()))
		if err != nil {
			return text
		}
		m.renderers[width] = r
	}
	out, err := r.Render(text)
	if err != nil {
		out = text
	}
	out = rewrapWide(strings.Trim(out, "\n"), width)
	m.cache[k] = out
	return out
}
