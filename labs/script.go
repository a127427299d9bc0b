package labs

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// loadScript reads a plain script lab: one command per line, as a person
// would type them.
//
//   - A comment block at the top of the file, followed by a blank line, is
//     the lab's header: its first line is the title, the next paragraph the
//     summary, and any further paragraphs the description.
//   - The "#" lines directly above a group of commands become that step's
//     text, the first of them its title. A blank line ends a step; a
//     comment after a command starts the next one.
//   - "sudo" is accepted; a "tcpdump -i IFACE ..." line also makes the step
//     capture on IFACE, on the node the line runs on.
//
// The lab's id is the file's base name without its extension, and it runs
// on a single host.
func loadScript(name string, data []byte) (*Lab, error) {
	el := &errList{file: name}
	base := filepath.Base(name)
	lab := &Lab{ID: strings.TrimSuffix(base, filepath.Ext(base)), File: name, Nodes: []string{DefaultHost}, idPos: pos{1, 1}}
	if !idPattern.MatchString(lab.ID) {
		el.add(1, 1, "the lab's id comes from the file name, and %q may use only letters, digits, '.', '-' and '_'", lab.ID)
	}
	if !utf8.Valid(data) {
		el.add(1, 1, "the file is not UTF-8 text")
		return nil, el.err()
	}
	lines := strings.Split(string(data), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
		clean, bad := cleanText(lines[i])
		for _, c := range bad {
			el.add(i+1, c.idx+1, "control character U+%04X in %s: lab text is printed to terminals, so it must be plain text", c.r, scriptLineKind(lines[i]))
		}
		lines[i] = clean
	}
	i := 0
	if len(lines) > 0 && strings.HasPrefix(lines[0], "#!") {
		i = 1
	}
	i = readHeader(lab, lines, i)

	var comments []string // the pending text of the next step
	var cur *Step
	for ; i < len(lines); i++ {
		raw := lines[i]
		trimmed := strings.TrimSpace(raw)
		switch {
		case trimmed == "":
			cur, comments = nil, nil
		case strings.HasPrefix(trimmed, "#"):
			if cur != nil {
				cur = nil
			}
			comments = append(comments, commentText(trimmed))
		default:
			if cur == nil {
				lab.Steps = append(lab.Steps, newScriptStep(comments, len(lab.Steps)+1, i+1))
				cur, comments = &lab.Steps[len(lab.Steps)-1], nil
			}
			indent := utf8.RuneCountInString(raw[:len(raw)-len(strings.TrimLeft(raw, " \t"))])
			line := i + 1
			c := Command{Text: trimmed, Line: line, Col: indent + 1}
			c.at = func(col int) (int, int) { return line, indent + col }
			parsed, err := parseCommand(trimmed)
			if err != nil {
				l, col := c.pos(err.Col)
				el.add(l, col, "%s", err.Msg)
				continue
			}
			c.Parsed = parsed
			cur.Commands = append(cur.Commands, c)
		}
	}
	if len(lab.Steps) == 0 && !el.failed() {
		el.add(1, 1, "no commands: a script lab is one command per line, with # comments above each group as the step's text")
	}
	if lab.Title == "" {
		lab.Title = lab.ID
	}
	validate(lab, el)
	if err := el.err(); err != nil {
		return nil, err
	}
	lab.Warnings = el.warningsOnly()
	return lab, nil
}

// readHeader takes the lab's title, summary and description from a
// comment block at the top of the file that a blank line separates from
// the first step. It returns the index of the first line after it.
func readHeader(lab *Lab, lines []string, i int) int {
	start := i
	for start < len(lines) && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	end := start
	for end < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end]), "#") {
		end++
	}
	if end == start || end >= len(lines) || strings.TrimSpace(lines[end]) != "" {
		return i // no block, or the block belongs to the first step
	}
	var paras [][]string
	para := []string(nil)
	for _, l := range lines[start:end] {
		t := commentText(strings.TrimSpace(l))
		if t == "" {
			if para != nil {
				paras, para = append(paras, para), nil
			}
			continue
		}
		para = append(para, t)
	}
	if para != nil {
		paras = append(paras, para)
	}
	if len(paras) == 0 {
		return end
	}
	lab.Title = paras[0][0]
	if rest := paras[0][1:]; len(rest) > 0 {
		paras[0] = rest
	} else {
		paras = paras[1:]
	}
	if len(paras) > 0 {
		lab.Summary = strings.Join(paras[0], " ")
		var desc []string
		for _, p := range paras[1:] {
			desc = append(desc, strings.Join(p, "\n"))
		}
		lab.Description = strings.Join(desc, "\n\n")
	}
	return end
}

// newScriptStep makes a step from the comment lines above its commands.
func newScriptStep(comments []string, n, line int) Step {
	for len(comments) > 0 && comments[0] == "" {
		comments = comments[1:]
	}
	s := Step{Title: fmt.Sprintf("Step %d", n), Line: line}
	if len(comments) > 0 {
		s.Title = comments[0]
		s.Text = strings.TrimSpace(strings.Join(comments[1:], "\n"))
	}
	return s
}

// commentText strips the leading "#" signs and one space from a comment.
func commentText(line string) string {
	t := strings.TrimLeft(line, "#")
	return strings.TrimRight(strings.TrimPrefix(t, " "), " \t")
}

// scriptLineKind names what a line of a script lab is, for errors.
func scriptLineKind(line string) string {
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return "a comment"
	}
	return "a command"
}
