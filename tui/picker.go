package tui

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// pickerItem is a lab in the picker, or the running session to reopen.
type pickerItem struct {
	sum    labs.Summary
	resume bool // reopen the running session
	// lab, when the backend could read it, gives the summary in the
	// student's language (Lab.In); sum is the fallback.
	lab            *labs.Lab
	steps, applied int // the running session's progress (resume)
}

// shown is the item's summary in the current language.
func (i pickerItem) shown() labs.Summary {
	if i.lab == nil {
		return i.sum
	}
	s := i.lab.In(i18n.Current()).Summarize()
	s.Source = i.sum.Source
	return s
}

// FilterValue is what the filter matches: the id and the title, in the
// original and, when it differs, as the student reads it.
func (i pickerItem) FilterValue() string {
	v := i.sum.ID + " " + i.sum.Title
	if t := i.shown().Title; t != i.sum.Title {
		v += " " + t
	}
	return v
}

// pickerDelegate draws an item: the title, then its summary and source.
type pickerDelegate struct{ st *styles }

func (d pickerDelegate) Height() int                         { return 3 }
func (d pickerDelegate) Spacing() int                        { return 1 }
func (d pickerDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d pickerDelegate) Render(w io.Writer, m list.Model, index int, it list.Item) {
	item := it.(pickerItem)
	width := m.Width() - 3
	sum := item.shown()
	title := i18n.N("tui.picker.item", sum.Steps, "{{.Title}}  ({{.ID}}, {{.Count}} steps)", "{{.Title}}  ({{.ID}}, {{.Count}} steps)", "Title", sum.Title, "ID", sum.ID)
	desc := sum.Summary
	if item.resume {
		title = i18n.T("tui.picker.continue", "Continue {{.Title}}", "Title", sum.Title)
		desc = i18n.T("tui.picker.running", "A session is running: {{.At}}. Reopen it where it is.", "At", runningAt(item.steps, item.applied))
	}
	src := item.sum.Source
	if src == "built-in" { // labs.Summary's word for a lab netlab carries
		src = i18n.T("tui.picker.builtin", "built-in")
	}
	lines := strings.Split(wrap(desc, width), "\n")
	if len(lines) > 1 {
		lines = lines[:1]
		lines[0] = ansi.Truncate(lines[0]+" …", width, "…")
	}
	if !item.resume {
		lines = append(lines, ansi.Truncate(src, width, "…"))
	} else {
		lines = append(lines, "")
	}
	titleS, descS := d.st.ItemTitle, d.st.ItemDesc
	if index == m.Index() {
		titleS, descS = d.st.ItemTitleSel, d.st.ItemDescSel
	}
	fmt.Fprintf(w, "%s\n%s\n%s", titleS.Render(ansi.Truncate(title, width, "…")),
		descS.Render(lines[0]), descS.Render(lines[1]))
}

// pickerModel chooses a lab, or reopens the running session.
type pickerModel struct {
	ctx     *shared
	list    list.Model
	running Driver
	sums    []labs.Summary // the labs listed (not the running session)
	err     string
	ready   bool
}

func newPicker(ctx *shared, msg pickerLoadedMsg) pickerModel {
	var items []list.Item
	p := pickerModel{ctx: ctx, running: msg.running, sums: msg.labs}
	if s := msg.running; s != nil {
		lab := s.Lab()
		items = append(items, pickerItem{sum: lab.Summarize(), lab: lab, resume: true, steps: len(lab.Steps), applied: msg.runningApplied})
	}
	for i, l := range msg.labs {
		it := pickerItem{sum: l}
		if i < len(msg.found) {
			it.lab = msg.found[i]
		}
		items = append(items, it)
	}
	var errs []string
	if msg.labsErr != nil {
		errs = append(errs, i18n.T("tui.picker.labErrors", "some lab files have errors (see 'netlab lint'): {{.Err}}", "Err", firstLine(msg.labsErr.Error())))
	}
	if msg.openErr != nil {
		errs = append(errs, i18n.T("tui.picker.openErr", "a session is running but cannot be reopened: {{.Err}} ({{.Key}} resets it)", "Err", msg.openErr.Error(), "Key", keyName(ctx.keys.Reset)))
	}
	p.err = strings.Join(errs, "\n")
	l := list.New(items, pickerDelegate{st: ctx.st}, ctx.width, ctx.height-2)
	p.list = l
	p.relabel()
	l = p.list
	l.Styles.Title = ctx.st.Title
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.KeyMap.Quit.SetEnabled(false)
	l.KeyMap.ForceQuit.SetEnabled(false)
	l.DisableQuitKeybindings()
	p.list, p.ready = l, true
	return p
}

// attach gives the listed labs their translations (pickerFoundMsg),
// leaving the cursor and the filter where they are.
func (p *pickerModel) attach(msg pickerFoundMsg) {
	byID := map[string]*labs.Lab{}
	for i, s := range msg.sums {
		if i < len(msg.found) && msg.found[i] != nil {
			byID[s.ID] = msg.found[i]
		}
	}
	items := p.list.Items()
	for i, it := range items {
		if pi, ok := it.(pickerItem); ok && pi.lab == nil && byID[pi.sum.ID] != nil {
			pi.lab = byID[pi.sum.ID]
			items[i] = pi
		}
	}
	p.list.SetItems(items)
}

// needsLabs says the listed labs have not been read for their
// translations yet.
func (p *pickerModel) needsLabs() bool {
	for _, it := range p.list.Items() {
		if pi, ok := it.(pickerItem); ok && !pi.resume && pi.lab == nil {
			return true
		}
	}
	return false
}

// relabel writes the list's own words in the current language.
func (p *pickerModel) relabel() {
	p.list.Title = i18n.T("tui.picker.title", "netlab: pick a lab")
	p.list.FilterInput.Prompt = i18n.T("tui.picker.filter", "Filter: ")
}

// runningAt says where the running session stands.
func runningAt(steps, applied int) string {
	if applied >= steps {
		return i18n.N("tui.picker.allDone", steps, "all {{.Count}} steps are done", "all {{.Count}} steps are done")
	}
	return i18n.T("tui.picker.next", "step {{.N}} of {{.Of}} is next", "N", applied+1, "Of", steps)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func (p *pickerModel) setSize(w, h int) {
	if p.ready {
		p.list.SetSize(w, h)
	}
}

// Update moves in the list and filters it.
func (p pickerModel) Update(msg tea.Msg) (pickerModel, tea.Cmd) {
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return p, cmd
}

// keys are the bindings the help line shows under the list.
func (p *pickerModel) keys() []key.Binding {
	k := p.ctx.keys
	return []key.Binding{k.Up, k.Down, k.Choose, k.Filter, k.Quit}
}

// View is the list, then what went wrong reading the labs or the session.
func (p *pickerModel) View() string {
	out := p.list.View()
	if p.err != "" {
		out += "\n" + p.ctx.st.Error.Render(wrap(p.err, p.ctx.width))
	}
	return out
}

// pickerKey chooses a lab (or the running session), resets a session
// that cannot be reopened, or quits; other keys move in the list.
func (m *Model) pickerKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	filtering := m.picker.list.FilterState() == list.Filtering
	if !filtering {
		switch {
		case key.Matches(msg, k.Quit):
			if m.picker.running != nil {
				m.picker.running.Close()
			}
			return tea.Quit
		case key.Matches(msg, k.Choose):
			it, ok := m.picker.list.SelectedItem().(pickerItem)
			if !ok {
				return nil
			}
			m.screen = screenLoading
			if it.resume {
				return reopenCmd(m.picker.running)
			}
			return pickCmd(m.be, it.sum.ID, m.picker.running)
		case key.Matches(msg, k.Reset) && m.picker.err != "":
			m.screen = screenLoading
			return resetCmd(m.be, m.picker.running, nil)
		}
	}
	var cmd tea.Cmd
	m.picker, cmd = m.picker.Update(msg)
	return cmd
}

// pickCmd opens the lab the student picked.
func pickCmd(be Backend, id string, running Driver) tea.Cmd {
	return func() tea.Msg {
		if running != nil {
			running.Close()
		}
		lab, err := be.Find(id)
		if err != nil {
			return sessionMsg{err: err}
		}
		return openLabCmd(be, lab)()
	}
}
