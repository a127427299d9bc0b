package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The keys each YAML mapping accepts. They are listed in errors about
// unknown keys and kept in step with docs/lab.schema.json by a test.
var (
	labKeys      = []string{"id", "title", "summary", "description", "nodes", "aliases", "setup", "names", "steps", "step_timeout", "translations"}
	setupKeys    = []string{"node", "commands"}
	stepKeys     = []string{"title", "text", "node", "commands", "capture", "expect", "question", "explain", "hint", "timeout"}
	questionKeys = []string{"ask", "choices", "answer", "explain"}
	expectKeys   = map[ExpectKind][]string{
		ExpectPing:    {"ping", "command"},
		ExpectSeen:    {"seen", "on"},
		ExpectNotSeen: {"not_seen", "on"},
		ExpectState:   {"state", "node", "contains", "not_contains"},
		ExpectFails:   {"fails", "command"},
		ExpectHTTP:    {"http", "command", "status", "contains"},
		ExpectTCP:     {"tcp", "command"},
	}
	expectKinds = []ExpectKind{ExpectPing, ExpectSeen, ExpectNotSeen, ExpectState, ExpectFails, ExpectHTTP, ExpectTCP}
)

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	nodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// yamlLoader turns one YAML document into a Lab, collecting every error.
type yamlLoader struct {
	el    *errList
	lines [][]rune // the source, for mapping columns inside quoted scalars
}

// loadYAML reads a YAML lab. Every error carries the line and column of
// the node it is about.
func loadYAML(name string, data []byte) (*Lab, error) {
	el := &errList{file: name}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			el.add(1, 1, "the file is empty: a lab needs at least id, title, summary and steps")
		} else {
			addYAMLSyntaxError(el, err)
		}
		return nil, el.err()
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		el.add(extra.Line, extra.Column, "a lab file holds one YAML document; remove this second one")
	} else if !errors.Is(err, io.EOF) {
		addYAMLSyntaxError(el, err)
	}
	if !checkAliases(&doc, el) {
		return nil, el.err()
	}
	y := &yamlLoader{el: el}
	for _, l := range strings.Split(string(data), "\n") {
		y.lines = append(y.lines, []rune(strings.TrimSuffix(l, "\r")))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	lab := y.lab(root)
	lab.File = name
	validate(lab, el)
	if err := el.err(); err != nil {
		return nil, err
	}
	lab.Warnings = el.warningsOnly()
	return lab, nil
}

// addYAMLSyntaxError reports an error from the YAML parser itself, which
// gives a line but no column.
func addYAMLSyntaxError(el *errList, err error) {
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		el.add(n, 1, "YAML syntax: %s", m[2])
		return
	}
	el.add(1, 1, "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
}

func (y *yamlLoader) lab(n *yaml.Node) *Lab {
	lab := &Lab{}
	m := y.mapping(n, "the lab", labKeys, []string{"id", "title", "summary", "steps"})
	if m == nil {
		return lab
	}
	if v := m["id"]; v != nil {
		lab.ID, _ = y.str(v, "id")
		lab.idPos = pos{v.Line, v.Column}
		if lab.ID != "" && !idPattern.MatchString(lab.ID) {
			y.el.add(v.Line, v.Column, "id %q may use only letters, digits, '.', '-' and '_', starting with a letter or digit", lab.ID)
		}
	}
	lab.Title = y.text(m, "title", "lab title", &lab.titlePos)
	lab.Summary = y.text(m, "summary", "lab summary", &lab.summaryPos)
	lab.Description = y.text(m, "description", "lab description", &lab.descPos)
	if v := m["step_timeout"]; v != nil {
		lab.StepTimeout = y.duration(v, "step_timeout")
	}
	lab.Nodes = []string{DefaultHost}
	if v := m["nodes"]; v != nil {
		lab.Nodes = nil
		seen := map[string]bool{}
		for _, item := range y.list(v, "nodes") {
			name, ok := y.str(item, "a node name")
			if !ok {
				continue
			}
			switch {
			case !nodePattern.MatchString(name) || len(name) > 64:
				y.el.add(item.Line, item.Column, "node name %q may use only letters, digits, '.', '-' and '_'", name)
			case seen[name]:
				y.el.add(item.Line, item.Column, "node %q is declared twice", name)
			default:
				seen[name] = true
				lab.Nodes = append(lab.Nodes, name)
			}
		}
		if len(lab.Nodes) == 0 && !y.el.failed() {
			y.el.add(v.Line, v.Column, "nodes must name at least one host (or leave nodes out for a single %q)", DefaultHost)
		}
	}
	if v := m["aliases"]; v != nil {
		lab.Aliases = y.aliases(v, lab.Nodes)
	}
	if v := m["setup"]; v != nil {
		for _, item := range y.list(v, "setup") {
			lab.Setup = append(lab.Setup, y.setup(item))
		}
	}
	if v := m["names"]; v != nil {
		lab.Names = y.names(v)
	}
	if v := m["steps"]; v != nil {
		items := y.list(v, "steps")
		for _, item := range items {
			lab.Steps = append(lab.Steps, y.step(item))
		}
		if v.Kind == yaml.SequenceNode && len(items) == 0 {
			y.el.add(v.Line, v.Column, "steps is empty: a lab needs at least one step")
		}
	}
	if v := m["translations"]; v != nil {
		lab.Translations = y.translations(v, lab)
	}
	return lab
}

func (y *yamlLoader) setup(n *yaml.Node) Setup {
	s := Setup{Line: n.Line}
	m := y.mapping(n, "a setup entry", setupKeys, []string{"commands"})
	if m == nil {
		return s
	}
	if v := m["node"]; v != nil {
		s.Node, _ = y.str(v, "node")
		s.nodePos = pos{v.Line, v.Column}
	}
	s.Commands = y.commands(m["commands"])
	return s
}

func (y *yamlLoader) step(n *yaml.Node) Step {
	s := Step{Line: n.Line}
	m := y.mapping(n, "a step", stepKeys, []string{"title", "text", "commands"})
	if m == nil {
		return s
	}
	s.Title = y.text(m, "title", "step title", &s.titlePos)
	s.Text = y.text(m, "text", "step text", &s.textPos)
	s.Hint = y.text(m, "hint", "step hint", &s.hintPos)
	s.Explain = y.text(m, "explain", "step explanation", &s.explainPos)
	if v := m["timeout"]; v != nil {
		s.Timeout = y.duration(v, "timeout")
	}
	if v := m["node"]; v != nil {
		s.Node, _ = y.str(v, "node")
		s.nodePos = pos{v.Line, v.Column}
	}
	s.Commands = y.commands(m["commands"])
	if v := m["commands"]; v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		y.el.add(v.Line, v.Column, "commands is empty: a step needs at least one command")
	}
	if v := m["capture"]; v != nil {
		for _, item := range y.list(v, "capture") {
			if text, ok := y.str(item, "a capture target"); ok {
				s.Capture = append(s.Capture, captureTarget(text, item.Line, item.Column))
			}
		}
	}
	if v := m["expect"]; v != nil {
		for _, item := range y.list(v, "expect") {
			if e, ok := y.expect(item, s.Commands); ok {
				s.Expect = append(s.Expect, e)
			}
		}
	}
	if v := m["question"]; v != nil {
		s.Question = y.question(v)
		y.spoilers(&s, m["text"])
	}
	return s
}

// captureTarget splits "node:iface" (or a bare "iface", on the step's node,
// filled in by validate).
func captureTarget(text string, line, col int) CaptureTarget {
	t := CaptureTarget{Iface: text, Line: line, Col: col}
	if node, iface, ok := strings.Cut(text, ":"); ok {
		t.Node, t.Iface = node, iface
	}
	return t
}

func (y *yamlLoader) commands(n *yaml.Node) []Command {
	if n == nil {
		return nil
	}
	var cmds []Command
	for _, item := range y.list(n, "commands") {
		text, ok := y.str(item, "a command")
		if !ok {
			continue
		}
		if c, ok := y.command(item, text); ok {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// command parses one command scalar, mapping the parser's column into the
// file (see scalarPos).
func (y *yamlLoader) command(n *yaml.Node, text string) (Command, bool) {
	if n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle {
		text = strings.TrimRight(text, "\n")
	}
	line, col := y.scalarPos(n, 1)
	c := Command{Text: text, Line: line, Col: col}
	c.at = func(col int) (int, int) { return y.scalarPos(n, col) }
	if strings.ContainsAny(text, "\n\r") {
		y.el.add(line, col, "a command must be a single line; write one command per list item")
		return c, false
	}
	parsed, err := parseCommand(text)
	if err != nil {
		l, cc := c.pos(err.Col)
		y.el.add(l, cc, "%s", err.Msg)
		return c, false
	}
	c.Parsed = parsed
	return c, true
}

// expect reads one expectation of a step whose commands are cmds.
func (y *yamlLoader) expect(n *yaml.Node, cmds []Command) (Expect, bool) {
	e := Expect{Line: n.Line, Col: n.Column}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		y.el.add(n.Line, n.Column, "an expect entry must be a mapping like {ping: ok}, not %s", kindName(n))
		return e, false
	}
	var kinds []ExpectKind
	for i := 0; i+1 < len(n.Content); i += 2 {
		for _, k := range expectKinds {
			if n.Content[i].Value == string(k) {
				kinds = append(kinds, k)
			}
		}
	}
	switch len(kinds) {
	case 0:
		y.el.add(n.Line, n.Column, "an expect entry needs one of: ping, seen, not_seen, state, fails, http, tcp")
		return e, false
	case 1:
	default:
		y.el.add(n.Line, n.Column, "an expect entry checks one thing: use separate entries for %s and %s", kinds[0], kinds[1])
		return e, false
	}
	e.Kind = kinds[0]
	m := y.mapping(n, "a "+string(e.Kind)+" expectation", expectKeys[e.Kind], expectKeys[e.Kind][:1])
	if m == nil {
		return e, false
	}
	ok := true
	switch e.Kind {
	case ExpectPing:
		v := m["ping"]
		s, good := y.str(v, "ping")
		if !good {
			return e, false
		}
		switch s {
		case "ok":
			e.PingOK = true
		case "fail":
		default:
			y.el.add(v.Line, v.Column, "ping must be ok or fail, not %q", s)
			ok = false
		}
		if !y.commandNumber(&e, m) {
			ok = false
		}
	case ExpectSeen, ExpectNotSeen:
		v := m[string(e.Kind)]
		text, good := y.str(v, string(e.Kind))
		e.Text = text
		if good && strings.TrimSpace(text) == "" {
			y.el.add(v.Line, v.Column, "%s needs the text of a packet summary, like \"ICMP echo request\"", e.Kind)
			ok = false
		}
		e.On = CaptureTarget{Line: n.Line, Col: n.Column}
		if on := m["on"]; on != nil {
			if s, good := y.str(on, "on"); good {
				e.On = captureTarget(s, on.Line, on.Column)
				e.onGiven = true
			}
		}
	case ExpectState:
		v := m["state"]
		text, good := y.str(v, "state")
		if good {
			if c, parsed := y.command(v, text); parsed {
				e.State = &c
			} else {
				ok = false
			}
		}
		if nd := m["node"]; nd != nil {
			e.Node, _ = y.str(nd, "node")
			e.nodePos = pos{nd.Line, nd.Column}
		}
		c, nc := m["contains"], m["not_contains"]
		switch {
		case c != nil && nc != nil:
			y.el.add(nc.Line, nc.Column, "a state expectation checks one text: use separate entries for contains and not_contains")
			ok = false
		case c != nil:
			e.Text, _ = y.str(c, "contains")
		case nc != nil:
			e.Text, _ = y.str(nc, "not_contains")
			e.Not = true
			if strings.TrimSpace(e.Text) == "" {
				y.el.add(nc.Line, nc.Column, "not_contains needs a text: every output contains the empty text")
				ok = false
			}
		default:
			y.el.add(n.Line, n.Column, "a state expectation is missing \"contains\" or \"not_contains\": the text the command's output must (not) contain")
			ok = false
		}
	case ExpectFails:
		ok = y.failsExpect(&e, m, cmds) && ok
	case ExpectHTTP:
		ok = y.httpExpect(&e, m)
	case ExpectTCP:
		ok = y.tcpExpect(&e, m)
	}
	return e, ok
}

// commandNumber reads an expectation's optional "command: N" (counting
// from 1) into e; it reports false, with an error, when N is no number.
func (y *yamlLoader) commandNumber(e *Expect, m map[string]*yaml.Node) bool {
	c := m["command"]
	if c == nil {
		return true
	}
	e.commandPos = pos{c.Line, c.Column}
	s, _ := y.str(c, "command")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		y.el.add(c.Line, c.Column, "command must be the number of one of the step's commands, counting from 1, not %q", s)
		return false
	}
	e.Command = n
	return true
}

// failsExpect reads {fails: true} or {fails: "TEXT"} with an optional
// command number, checked against the step's commands.
func (y *yamlLoader) failsExpect(e *Expect, m map[string]*yaml.Node, cmds []Command) bool {
	v := resolve(m["fails"])
	if v.Kind != yaml.ScalarNode {
		y.el.add(v.Line, v.Column, "fails must be true or the text the command's error contains, not %s", kindName(v))
		return false
	}
	if v.Tag == "!!bool" {
		if b, _ := strconv.ParseBool(v.Value); !b {
			y.el.add(v.Line, v.Column, "fails: false is what every command is expected to do; leave the entry out")
			return false
		}
	} else if e.Text = v.Value; strings.TrimSpace(e.Text) == "" {
		y.el.add(v.Line, v.Column, "fails needs true or the text the command's error contains")
		return false
	}
	if c := m["command"]; c != nil {
		if !y.commandNumber(e, m) {
			return false
		}
		n := e.Command
		if n > len(cmds) {
			y.el.add(c.Line, c.Column, "command %d is out of range: the step has %d command(s)", n, len(cmds))
			return false
		}
		if p := cmds[n-1].Parsed; p != nil && p.Program == "tcpdump" {
			y.el.add(c.Line, c.Column, "command %d (%q) starts a capture and cannot fail", n, cmds[n-1].Text)
			return false
		}
		e.Command = n
		return true
	}
	for i := len(cmds) - 1; i >= 0; i-- {
		if cmds[i].Parsed != nil && cmds[i].Parsed.Program != "tcpdump" {
			e.Command = i + 1
			return true
		}
	}
	if len(cmds) > 0 {
		y.el.add(e.Line, e.Col, "the step runs no command for this expectation to see fail")
		return false
	}
	return true
}

func (y *yamlLoader) question(n *yaml.Node) *Question {
	q := &Question{Line: n.Line}
	m := y.mapping(n, "the question", questionKeys, []string{"ask", "choices", "answer"})
	if m == nil {
		return q
	}
	q.Ask = y.text(m, "ask", "question ask", &q.askPos)
	q.Explain = y.text(m, "explain", "question explain", &q.explainPos)
	if v := m["choices"]; v != nil {
		for _, item := range y.list(v, "choices") {
			if s, ok := y.str(item, "a question choice"); ok {
				q.Choices = append(q.Choices, s)
				q.choicePos = append(q.choicePos, y.textPos(item))
			}
		}
		if v.Kind == yaml.SequenceNode && len(v.Content) < 2 {
			y.el.add(v.Line, v.Column, "a question needs at least two choices")
		}
	}
	v := m["answer"]
	if v == nil {
		return q
	}
	s, ok := y.str(v, "answer")
	if !ok {
		return q
	}
	q.Answer = -1
	if v.Tag == "!!int" {
		if i, err := strconv.Atoi(s); err == nil {
			if i < 0 || i >= len(q.Choices) {
				y.el.add(v.Line, v.Column, "answer %d is out of range: it counts the choices from 0, so it must be 0 to %d", i, len(q.Choices)-1)
			}
			q.Answer = i
			return q
		}
	}
	for i, c := range q.Choices {
		if c == s {
			q.Answer = i
		}
	}
	if q.Answer < 0 {
		y.el.add(v.Line, v.Column, "answer %q is not one of the choices: give the index of the right choice (from 0) or its exact text", s)
	}
	return q
}

// maxTimeout bounds step_timeout and timeout: a lesson step that needs
// more than an hour is a mistake.
const maxTimeout = time.Hour

// duration reads a time limit: a Go duration ("90s", "2m", "1m30s") or a
// whole number of seconds. It reports anything else and returns 0.
func (y *yamlLoader) duration(n *yaml.Node, what string) time.Duration {
	s, ok := y.str(n, what)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if secs, aerr := strconv.Atoi(s); aerr == nil {
		d, err = time.Duration(secs)*time.Second, nil
		if secs > int(maxTimeout/time.Second) {
			d = maxTimeout + 1 // refused below, without overflowing
		}
	}
	if err != nil || d <= 0 || d > maxTimeout {
		y.el.add(n.Line, n.Column, "%s must be a duration like 90s or 2m, above 0 and at most %v, not %q", what, maxTimeout, s)
		return 0
	}
	return d
}

// mapping checks that n is a mapping with only allowed keys, each once,
// and every required key present; it returns the values by key, or nil
// when n is not a mapping.
func (y *yamlLoader) mapping(n *yaml.Node, what string, allowed, required []string) map[string]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		y.el.add(n.Line, n.Column, "%s must be a mapping of keys (%s), not %s", what, strings.Join(allowed, ", "), kindName(n))
		return nil
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			y.el.add(k.Line, k.Column, "a key in %s must be a plain word, not %s", what, kindName(k))
		case !contains(allowed, k.Value):
			y.el.add(k.Line, k.Column, "unknown key %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))
		case m[k.Value] != nil:
			y.el.add(k.Line, k.Column, "key %q is given twice in %s", k.Value, what)
		default:
			m[k.Value] = resolve(v)
		}
	}
	for _, r := range required {
		if m[r] == nil {
			y.el.add(n.Line, n.Column, "%s is missing %q", what, r)
		}
	}
	return m
}

// list returns the items of a sequence, reporting anything else.
func (y *yamlLoader) list(n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		y.el.add(n.Line, n.Column, "%s must be a list, not %s", what, kindName(n))
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = resolve(c)
	}
	return items
}

// str returns a scalar's text; numbers and booleans are taken as written.
func (y *yamlLoader) str(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", false // already reported as missing
	}
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		y.el.add(n.Line, n.Column, "%s must be text, not %s", what, kindName(n))
		return "", false
	}
	text, bad := cleanText(n.Value)
	if len(bad) == 0 {
		return text, true
	}
	rs := []rune(n.Value)
	for i, c := range bad {
		if y.el.full() {
			y.el.more += len(bad) - i // finding each one's column would cost more than a moment
			break
		}
		l, col := y.runePos(n, rs, c.idx)
		y.el.add(l, col, "control character U+%04X in %s: lab text is printed to terminals, so it must be plain text", c.r, strings.TrimPrefix(strings.TrimPrefix(what, "a "), "the "))
	}
	return text, true
}

// runePos is the position in the file of the character at 0-based index
// idx of a scalar's value rs. Block scalars count lines; other scalars map
// through scalarPos (exact on one line).
func (y *yamlLoader) runePos(n *yaml.Node, rs []rune, idx int) (int, int) {
	if n.Style != yaml.LiteralStyle && n.Style != yaml.FoldedStyle {
		return y.scalarPos(n, idx+1)
	}
	line, col := 0, idx
	for i := 0; i < idx && i < len(rs); i++ {
		if rs[i] == '\n' {
			line, col = line+1, idx-i-1
		}
	}
	l, c := y.scalarPos(n, 1)
	return l + line, c + col
}

// text is optStr for a text a lab file can translate: it also records in
// at where the text starts, for untranslated-field warnings.
func (y *yamlLoader) text(m map[string]*yaml.Node, key, what string, at *pos) string {
	if v := m[key]; v != nil {
		*at = y.textPos(v)
	}
	return y.optStr(m, key, what)
}

// textPos is where a text scalar's first character is in the file.
func (y *yamlLoader) textPos(n *yaml.Node) pos {
	l, c := y.scalarPos(n, 1)
	return pos{l, c}
}

// optStr returns the text of an optional key, "" when absent; what names
// it in errors ("step text").
func (y *yamlLoader) optStr(m map[string]*yaml.Node, key, what string) string {
	v := m[key]
	if v == nil {
		return ""
	}
	s, _ := y.str(v, what)
	return s
}

// scalarPos maps the 1-based character column col inside a scalar's value
// to a line and column in the file. Plain scalars map exactly. Quoted
// scalars on one line are decoded character by character from the source,
// so escapes (” and \x) are accounted for. Block scalars (| and >) map to
// their first content line, at its indentation. A quoted scalar folded
// over several lines maps to its opening quote.
func (y *yamlLoader) scalarPos(n *yaml.Node, col int) (int, int) {
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		for l := n.Line; l < len(y.lines); l++ { // y.lines[l] is line l+1
			text := y.lines[l]
			indent := 0
			for indent < len(text) && (text[indent] == ' ' || text[indent] == '\t') {
				indent++
			}
			if indent < len(text) {
				return l + 1, indent + col
			}
		}
		return n.Line, n.Column
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		if n.Line-1 >= len(y.lines) {
			return n.Line, n.Column
		}
		src := y.lines[n.Line-1]
		i := n.Column // index just past the opening quote
		for want := col - 1; want > 0; want-- {
			if i >= len(src) {
				return n.Line, n.Column
			}
			i += escapeLen(src[i:], n.Style == yaml.DoubleQuotedStyle)
		}
		return n.Line, i + 1
	}
	return n.Line, n.Column + col - 1
}

// escapeLen is how many source characters the next character of a quoted
// scalar takes.
func escapeLen(src []rune, double bool) int {
	if !double {
		if len(src) > 1 && src[0] == '\'' && src[1] == '\'' {
			return 2
		}
		return 1
	}
	if src[0] != '\\' || len(src) < 2 {
		return 1
	}
	switch src[1] {
	case 'x':
		return 4
	case 'u':
		return 6
	case 'U':
		return 10
	}
	return 2
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// kindName says what a node is, for wrong-type errors.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "empty"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		return fmt.Sprintf("the text %q", clipText(n.Value))
	}
	return "nothing"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// aliases reads "aliases: {test2: test1, web: host}": names sharing
// another node's namespace. An alias is a node name of its own (not a
// host, not given twice) and names a node, not another alias.
func (y *yamlLoader) aliases(n *yaml.Node, hosts []string) map[string]string {
	if n.Kind != yaml.MappingNode {
		y.el.add(n.Line, n.Column, "aliases must be a mapping of NAME: NODE (the node whose network namespace NAME shares), not %s", kindName(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		name, ok1 := y.str(k, "an alias")
		of, ok2 := y.str(v, "the node an alias shares")
		if !ok1 || !ok2 {
			continue
		}
		switch {
		case !nodePattern.MatchString(name) || len(name) > 64:
			y.el.add(k.Line, k.Column, "alias %q may use only letters, digits, '.', '-' and '_'", name)
		case !nodePattern.MatchString(of) || len(of) > 64:
			y.el.add(v.Line, v.Column, "node name %q may use only letters, digits, '.', '-' and '_'", of)
		case contains(hosts, name):
			y.el.add(k.Line, k.Column, "alias %q is already a lab host", name)
		case out[name] != "":
			y.el.add(k.Line, k.Column, "alias %q is given twice", name)
		case name == of:
			y.el.add(v.Line, v.Column, "alias %q cannot share its own namespace", name)
		default:
			out[name] = of
		}
	}
	for name, of := range out {
		if _, chained := out[of]; chained {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := resolve(n.Content[i]); k.Value == name {
					v := resolve(n.Content[i+1])
					y.el.add(v.Line, v.Column, "alias %q shares %q, which is itself an alias: name the node (%q)", name, of, out[of])
				}
			}
		}
	}
	return out
}
