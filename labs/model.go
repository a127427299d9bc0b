package labs

import (
	"time"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/netlab/netlab/labs/i18n"
)

// Lab is one lesson: the hosts it runs on, the setup that builds its
// starting point, and the steps a student walks through.
type Lab struct {
	ID          string   // short name used on the command line ("bridge")
	Title       string   // one line shown in lists and headings
	Summary     string   // one or two sentences shown in lists
	Description string   // optional markdown shown before the first step
	Nodes       []string // the lab hosts; the first is the default node
	// Aliases are names that share another node's network namespace
	// (alias -> node): Docker's "--network container:test1" and
	// "--network host". Steps, captures and netlab exec may use them.
	Aliases map[string]string
	Setup   []Setup // run once when the session is created; not undoable
	Names   []Name  // the names each node resolves from the start (names:), in file order
	Steps   []Step
	File    string // where the lab was read from (a path, or assets/labs/NAME for built-ins)
	BuiltIn bool   // embedded in netlab rather than read from disk

	// StepTimeout is how long a step may run (the file's step_timeout);
	// 0 when the file gives none, meaning DefaultStepTimeout. A step's own
	// timeout overrides it: see Lab.Timeout.
	StepTimeout time.Duration

	// Warnings are what lint reports about a lab that still loads, such as
	// a step that can run longer than its time limit.
	Warnings Errors

	// Translations holds the lab's text in other languages, from the
	// file's translations: key; nil when it has none. Read a lab in a
	// language through In, which falls back to the original text.
	Translations map[i18n.Lang]*Translation

	idPos pos // where the id was given, for duplicate-id errors

	// where each translatable text was given, for untranslated-field
	// warnings; zero when the text is absent
	titlePos, summaryPos, descPos pos

	// orig is the lab a translated copy was made from (see In); nil for
	// the lab as loaded.
	orig *Lab
}

// DefaultNode is the node commands run on when a step names none.
func (l *Lab) DefaultNode() string {
	if len(l.Nodes) == 0 {
		return DefaultHost
	}
	return l.Nodes[0]
}

// Source says where the lab comes from: "built-in" or its file path.
func (l *Lab) Source() string {
	if l.BuiltIn {
		return "built-in"
	}
	return l.File
}

// DefaultStepTimeout is how long a step may run when the lab sets no
// step_timeout and the step no timeout.
const DefaultStepTimeout = 60 * time.Second

// Timeout is the time limit of step s of the lab: the step's timeout, else
// the lab's step_timeout, else DefaultStepTimeout.
func (l *Lab) Timeout(s *Step) time.Duration {
	switch {
	case s != nil && s.Timeout > 0:
		return s.Timeout
	case l.StepTimeout > 0:
		return l.StepTimeout
	}
	return DefaultStepTimeout
}

// DefaultHost is the single host of a lab that declares no nodes.
const DefaultHost = "host"

// Setup is a group of commands run on one node when the session is
// created, before the first step. Setup builds what the lab takes as given
// (the outside network, for example), so it is never undone step by step.
type Setup struct {
	Node     string
	Commands []Command
	Line     int // line of the setup entry in the file

	nodePos pos
}

// Name is one entry of a lab's names: map: a host name a node resolves
// to an IPv4 address from the start, as the DNS of a Docker user-defined
// network resolves every container of the network by name. It is set up
// after the setup commands ran, so its node may be a namespace they made.
type Name struct {
	Node string
	Name string
	Addr string // an IPv4 address, as written
	Line int    // where the name is given in the file
	Col  int

	nodePos, addrPos pos
}

// Step is one idea of the lab: text explaining it, the commands that
// apply it, and what the student should observe.
type Step struct {
	Title    string
	Text     string          // markdown: the why before the how
	Node     string          // where the commands run; set to the lab's default node when the file names none
	Commands []Command       // shown exactly as written and run in order
	Capture  []CaptureTarget // interfaces to capture on while the step runs
	Expect   []Expect        // what must be true once the commands have run
	Question *Question       // asked before the step runs; nil when none
	Hint     string          // shown when the student asks for help
	Explain  string          // markdown shown with the outcome, once the step has run: what the student just saw, and why
	Line     int             // line where the step starts in the file
	Timeout  time.Duration   // the step's own time limit (timeout:); 0 for the lab's

	nodePos pos
	// where each translatable text was given (see Lab.titlePos)
	titlePos, textPos, hintPos, explainPos pos
}

// Command is one command line of a step or of the setup.
type Command struct {
	Text   string           // the line exactly as written
	Parsed *cmdline.Command // the parse of Text
	Line   int              // position of the command's first character in the file
	Col    int

	// at maps a 1-based column within Text to a position in the file.
	at func(col int) (line, fileCol int)
}

// pos maps a column within the command's text to a position in the file.
func (c *Command) pos(col int) (int, int) {
	if c.at == nil {
		return c.Line, c.Col + col - 1
	}
	return c.at(col)
}

// CaptureTarget is an interface to capture packets on during a step.
type CaptureTarget struct {
	Node   string // the node owning the interface; the step's node when the file names none
	Iface  string
	Filter string // tcpdump filter words, from a "tcpdump -i IFACE FILTER" line; "" for all packets
	// Verbose is the -v count of a "tcpdump -v[v] -i IFACE" line (0, 1 or
	// 2): the step's packets on this target print the IP header's fields.
	Verbose int
	Line    int
	Col     int
	// LinkLevel is set by a "tcpdump -e -i IFACE" line: the step's packets
	// on this target print their MAC addresses, as tcpdump -e does.
	LinkLevel bool
}

// String renders the target as "node:iface".
func (c CaptureTarget) String() string { return c.Node + ":" + c.Iface }

// ExpectKind names what an Expect checks.
type ExpectKind string

// The kinds of expectation a step can state.
const (
	ExpectPing    ExpectKind = "ping"     // pings succeed or fail
	ExpectSeen    ExpectKind = "seen"     // a captured packet's summary contains Text
	ExpectNotSeen ExpectKind = "not_seen" // no captured packet's summary contains Text
	ExpectState   ExpectKind = "state"    // a read-only command's output contains (or lacks) Text
	ExpectFails   ExpectKind = "fails"    // a command of the step fails (with Text in its error)
	ExpectHTTP    ExpectKind = "http"     // curl and wget get an answer, are refused, time out or get an error status
	ExpectTCP     ExpectKind = "tcp"      // nc HOST PORT connects, is refused or times out
)

// Expect is one thing a step says must be true after its commands ran.
type Expect struct {
	Kind ExpectKind

	// For ExpectPing: whether the pings must succeed, and which command
	// (1-based index into the step's Commands) or 0 for every ping. For
	// ExpectHTTP and ExpectTCP: the command (0 for every curl and wget,
	// or every nc client).
	// For ExpectFails: the command expected to fail (1-based), the step's
	// last command other than a tcpdump line when the file names none.
	PingOK  bool
	Command int

	// For ExpectSeen and ExpectNotSeen: the text a tcpdump -nn style
	// summary contains, and the captured interface it is looked for on.
	// For ExpectState: the text the command's output contains (or, with
	// Not, does not contain). For ExpectFails: text the command's error
	// contains; "" for any failure ("fails: true").
	Text string
	Not  bool
	On   CaptureTarget

	// For ExpectHTTP and ExpectTCP: the outcome (HTTPOK, ..., TCPConnects,
	// ...). For ExpectHTTP, Status is the HTTP status the answer must have
	// (0 for any) and Text what the command's output must contain ("" for
	// anything).
	Outcome string
	Status  int

	// For ExpectState: the read-only command and the node it runs on
	// (the step's node when the file names none).
	State *Command
	Node  string

	Line int
	Col  int

	onGiven    bool // On was written in the file
	nodePos    pos
	commandPos pos
}

// Question is a prediction the student makes before a step runs.
type Question struct {
	Ask     string
	Choices []string
	Answer  int    // index into Choices of the right answer
	Explain string // shown after the student answers
	Line    int

	// where each translatable text was given (see Lab.titlePos)
	askPos, explainPos pos
	choicePos          []pos
}

// Summary is a lab as "netlab list" shows it.
type Summary struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Source  string `json:"source"` // "built-in" or the file's path
	Steps   int    `json:"steps"`
}

// Summarize returns the lab's list entry.
func (l *Lab) Summarize() Summary {
	return Summary{ID: l.ID, Title: l.Title, Summary: l.Summary, Source: l.Source(), Steps: len(l.Steps)}
}

// pos is a position in a lab file.
type pos struct{ line, col int }
