package tui

import (
	"github.com/charmbracelet/lipgloss"
)

// styles holds every style of the TUI, built once; components never call
// lipgloss.NewStyle themselves.
type styles struct {
	noColor bool

	Title, Subtle, Bold, Error, OK, Warn, Status lipgloss.Style
	TabActive, TabInactive, TabBar               lipgloss.Style
	Header                                       lipgloss.Style
	Box, Dialog                                  lipgloss.Style

	// step list
	StepDone, StepFailed, StepCurrent, StepPending, StepViewed lipgloss.Style
	Command, Output                                            lipgloss.Style

	// what changed
	Added, Removed, Changed lipgloss.Style

	// capture lines by kind
	PktARP, PktRequest, PktReply, PktError, PktOther, PktSelected lipgloss.Style

	// picker items
	ItemTitle, ItemTitleSel, ItemDesc, ItemDescSel lipgloss.Style

	// topology
	Node, Iface, Up, Down, Addr lipgloss.Style

	// the drawn topology: box lines, info lines, cables, tunnels, what the
	// last step changed, a followed packet's hops
	TopoBorder, TopoInfo, TopoDown, TopoCable, TopoTunnel, TopoChanged, TopoHop, TopoHopNow lipgloss.Style
}

// newStyles builds the styles; noColor (NO_COLOR, or tests) keeps only
// bold and reverse, which read fine on any terminal.
func newStyles(noColor bool) *styles {
	c := func(s lipgloss.Style, color string) lipgloss.Style {
		if noColor {
			return s
		}
		return s.Foreground(lipgloss.Color(color))
	}
	base := lipgloss.NewStyle()
	s := &styles{noColor: noColor}
	s.Title = c(base.Bold(true), "12")
	s.Subtle = c(base, "244")
	s.Bold = base.Bold(true)
	s.Error = c(base.Bold(true), "9")
	s.OK = c(base, "10")
	s.Warn = c(base, "11")
	s.Status = c(base, "250")
	s.Header = c(base.Bold(true), "15")
	s.TabActive = c(base.Bold(true).Reverse(true).Padding(0, 1), "12")
	s.TabInactive = c(base.Padding(0, 1), "244")
	s.TabBar = base
	s.Box = base.Border(lipgloss.RoundedBorder()).Padding(0, 1)
	s.Dialog = c(base.Border(lipgloss.RoundedBorder()).Padding(0, 2), "12")
	if noColor {
		s.Box = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
		s.Dialog = base.Border(lipgloss.NormalBorder()).Padding(0, 2)
	}

	s.StepDone = c(base, "10")
	s.StepFailed = c(base.Bold(true), "9")
	s.StepCurrent = c(base.Bold(true), "12")
	s.StepPending = c(base, "250")
	s.StepViewed = base.Reverse(true)
	s.Command = c(base.Bold(true), "14")
	s.Output = c(base, "250")

	s.Added = c(base, "10")
	s.Removed = c(base, "9")
	s.Changed = c(base, "11")

	s.PktARP = c(base, "11")
	s.PktRequest = c(base, "14")
	s.PktReply = c(base, "10")
	s.PktError = c(base, "9")
	s.PktOther = base
	s.PktSelected = base.Reverse(true)

	s.ItemTitle = c(base.PaddingLeft(2), "15")
	s.ItemTitleSel = c(base.Bold(true).PaddingLeft(1).Border(lipgloss.NormalBorder(), false, false, false, true), "12")
	s.ItemDesc = c(base.PaddingLeft(2), "244")
	s.ItemDescSel = c(base.PaddingLeft(1).Border(lipgloss.NormalBorder(), false, false, false, true), "250")

	s.Node = c(base.Bold(true), "12")
	s.Iface = c(base.Bold(true), "15")
	s.Up = c(base, "10")
	s.Down = c(base, "9")
	s.Addr = c(base, "14")
	s.TopoBorder = c(base, "244")
	s.TopoInfo = c(base, "250")
	s.TopoDown = c(base.Faint(true), "244")
	s.TopoCable = c(base, "11")
	s.TopoTunnel = c(base, "13")
	s.TopoChanged = c(base.Bold(true).Reverse(true), "11")
	s.TopoHop = c(base.Bold(true), "14")
	s.TopoHopNow = c(base.Bold(true).Reverse(true), "14")
	return s
}

// topo is the style of a kind of cell of the drawn topology.
func (s *styles) topo(t topoStyle) lipgloss.Style {
	switch t {
	case tsBorder:
		return s.TopoBorder
	case tsNode:
		return s.Node
	case tsInfo:
		return s.TopoInfo
	case tsIface:
		return s.Iface
	case tsDown:
		return s.TopoDown
	case tsUp:
		return s.Up
	case tsAddr:
		return s.Addr
	case tsCable:
		return s.TopoCable
	case tsTunnel:
		return s.TopoTunnel
	case tsChanged:
		return s.TopoChanged
	case tsHop:
		return s.TopoHop
	case tsHopNow:
		return s.TopoHopNow
	}
	return lipgloss.NewStyle()
}

// markdownStyle is glamour's fixed style: no terminal queries; notty when
// colours are off.
func (s *styles) markdownStyle() string {
	if s.noColor {
		return "notty"
	}
	return "dark"
}
