package tui

import (
	"strings"
	"testing"
)

// TestNoColorMarkdownHasNoMarkers: under NO_COLOR a step's bold text is
// plain, without glamour notty's ** markers (issue 11 item 6).
func TestNoColorMarkdownHasNoMarkers(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "bold", text: "A **bridge** is a switch.", want: "A bridge is a switch."},
		{name: "underscore bold", text: "An __ARP__ request.", want: "An ARP request."},
		{name: "italic", text: "Its *own* stack.", want: "Its own stack."},
	}
	md := newMarkdown(newStyles(true).markdownStyle())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := md.render(tc.text, 60)
			if strings.Contains(got, "**") || strings.Contains(got, "__") || strings.Contains(got, "*") {
				t.Errorf("markers in %q", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("rendered %q, want it to hold %q", got, tc.want)
			}
		})
	}
	// The whole step view, as the TUI draws it with colours off.
	h := newHarness(t, Options{Lab: flowLab(t)}, &fakeBackend{})
	h.key("enter")
	h.m.step.off = 0
	scr := h.screen()
	if !strings.Contains(scr, "A bridge is a virtual switch") || strings.Contains(scr, "**") {
		t.Errorf("the step view under NO_COLOR:\n%s", scr)
	}
}
