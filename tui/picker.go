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
)

// pickerItem is a lab in the picker, or the running session to reopen.
type pickerItem struct {
	sum    labs.Summary
	resume bool // reopen the running session
	at     string
}

func (i pickerItem) FilterValue() string { return i.sum.ID + " " + i.sum.Title }

// pickerDelegate draws an item: the title, then its summary and source.
type pickerDelegate struct{ st *styles }

func (d pickerDelegate) Height() int                         { return 3 }
func (d pickerDelegate) Spacing() int                        { return 1 }
func (d pickerDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d pickerDelegate) Render(w io.Writer, m list.Model, index int, it list.Item) {
	item := it.(pickerItem)
	width := m.Width() - 3
	title := fmt.Sprintf("%s  (%s, %d steps)", item.sum.Title, item.sum.ID, item.sum.Steps)
	desc := item.sum.Summary
	if item.resume {
		title = "Continue " + item.sum.Title
		desc = "A session is running: " + item.at + ". Reopen it where it is."
	}
	src := item.sum.Source
	lines := strings.Split(ansi.Wrap(desc, width, " "), "\n")
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
	err     string
	ready   bool
}

func newPicker(ctx *shared, msg pickerLoadedMsg) pickerModel {
	var items []list.Item
	p := pickerModel{ctx: ctx, running: msg.running}
	if s := msg.running; s != nil {
		lab := s.Lab()
		items = append(items, pickerItem{sum: lab.Summarize(), resume: true, at: runningAt(lab, msg.runningApplied)})
	}
	for _, l := range msg.labs {
		items = append(items, pickerItem{sum: l})
	}
	var errs []string
	if msg.labsErr != nil {
		errs = append(errs, "some lab files have errors (see 'netlab lint'): "+firstLine(msg.labsErr.Error()))
	}
	if msg.openErr != nil {
		errs = append(errs, "a session is running but cannot be reopened: "+msg.openErr.Error()+" ("+keyName(ctx.keys.Reset)+" resets it)")
	}
	p.err = strings.Join(errs, "\n")
	l := list.New(items, pickerDelegate{st: ctx.st}, ctx.width, ctx.height-2)
	l.Title = "netlab: pick a lab"
	l.Styles.Title = ctx.st.Title
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.KeyMap.Quit.SetEnabled(false)
	l.KeyMap.ForceQuit.SetEnabled(false)
	l.DisableQuitKeybindings()
	p.list, p.ready = l, true
	return p
}

// runningAt says where the running session stands.
func runningAt(lab *labs.Lab, applied int) string {
	if applied >= len(lab.Steps) {
		return fmt.Sprintf("all %d steps are done", len(lab.Steps))
	}
	return fmt.Sprintf("step %d of %d is next", applied+1, len(lab.Steps))
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
		out += "\n" + p.ctx.st.Error.Render(ansi.Wrap(p.err, p.ctx.width, " "))
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
