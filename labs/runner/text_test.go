package runner

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// everyReport builds reports through every path that words them, with
// no kernel: the judges of ping, fails and seen expectations, the
// captures' explanations, a failed step, a status, a test's end.
func everyReport() []string {
	ping := &engine.Command{Text: "ping -c 1 192.0.2.9", Program: "ping"}
	results := []engine.Result{
		{Command: ping, Node: "ns01", Output: "1 packets transmitted, 0 received", ExitCode: 1},
		{Command: &engine.Command{Text: "ip link add br01 type bridge", Program: "ip"}, Node: "host", Err: errors.New("RTNETLINK answers: File exists")},
	}
	st := labs.Step{Title: "t", Commands: []labs.Command{{Text: "ping -c 1 192.0.2.9"}, {Text: "ip link add br01 type bridge"}}}
	var expects []ExpectReport
	expects = append(expects, judgePing(labs.Expect{Kind: labs.ExpectPing, PingOK: true}, results)...)
	expects = append(expects, judgePing(labs.Expect{Kind: labs.ExpectPing, PingOK: false}, results)...)
	expects = append(expects,
		judgeFails(st, labs.Expect{Kind: labs.ExpectFails, Command: 2, Text: "No such device"}, results),
		judgeFails(st, labs.Expect{Kind: labs.ExpectFails, Command: 1}, results[:0]),
		judgeFails(st, labs.Expect{Kind: labs.ExpectFails, Command: 1}, []engine.Result{{Command: ping}}),
		judgeSeen(labs.Expect{Kind: labs.ExpectSeen, Text: "ICMP echo request", On: labs.CaptureTarget{Node: "ns01", Iface: "veth01"}}, nil, nil),
	)
	// As poll leaves them: ns01:veth01 opened before the commands and
	// followed two interfaces until its node went; ns02 never existed.
	w := &watch{targets: []*watched{
		{label: "ns01:veth01", node: "ns01", iface: "veth01", caps: []*capture.Capture{nil, nil}, opened: whenText(-1), gone: nodeGone("ns01", whenText(2))},
		{label: "ns02:veth02", node: "ns02", iface: "veth02", problem: noNode("ns02")},
	}}
	expects = append(expects,
		judgeSeen(labs.Expect{Kind: labs.ExpectSeen, Text: "ICMP echo request", On: labs.CaptureTarget{Node: "ns01", Iface: "veth01"}}, nil, w),
		judgeSeen(labs.Expect{Kind: labs.ExpectNotSeen, Text: "ARP", On: labs.CaptureTarget{Node: "ns02", Iface: "veth02"}}, nil, w),
		judgeSeen(labs.Expect{Kind: labs.ExpectNotSeen, Text: "ARP", On: labs.CaptureTarget{Node: "ns03", Iface: "eth0"}}, nil, w),
	)
	rep := &StepReport{Index: 3, Title: "Create a bridge", Error: "command 2 failed",
		Commands: []CommandReport{{Text: "ip link add br01 type bridge", Node: "host", Error: "RTNETLINK answers: File exists"}},
		Failed:   unexpectedFailures(st, results, map[int]bool{}),
		Checks: []CheckReport{{Command: "ip link set br01 up", Problem: "link br01 is down"},
			{Command: "ip link set br01 up", Problem: problemText(&engine.Problem{ID: "check.iface.down",
				English: "interface {{.Dev}} on {{.Node}} is down, should be up", Args: []any{"Dev", "br01", "Node", "host"}})}},
		Expects: expects,
	}
	status := &Status{Lab: "bridge", Title: "A bridge", Steps: 4, Applied: 2, Next: "Ping",
		AppliedList: []StepState{{Index: 1, Title: "One"}, {Index: 2, Title: "Two", ByHand: true}},
		Interrupted: &Interrupted{Step: 3, Title: "Three", Command: 2, Text: "ip link set br01 up"},
		InProgress:  &Interrupted{Step: 3, Title: "Three", Command: 2, Text: "ip link set br01 up"},
		Nodes: []NodeState{{Name: "host", Kind: engine.KindHost, Interfaces: []string{"br01"}},
			{Name: "ns01", Kind: engine.KindNetns, Parent: "host"}}}
	test := &TestResult{Lab: "bridge", Steps: []*StepReport{rep}, Undone: true, Error: "boom"}
	test2 := &TestResult{Lab: "bridge", Undone: true, Restored: true, OK: true}
	return []string{rep.Text(true), rep.TestLine("bridge"), strings.Join(rep.Failures(), "\n"), status.Text(), test.Text(), test2.Text(),
		(&UndoReport{Index: 3, Title: "Create a bridge"}).Text(), ErrAllDone.Error(), clientReport().Text(false)}
}

// clientReport judges http: and tcp: expectations on clients that met
// every outcome the engine records.
func clientReport() *StepReport {
	client := func(line string, c *engine.Client, output string, code int) engine.Result {
		cmd, err := engine.Parse(line)
		if err != nil {
			panic(err)
		}
		return engine.Result{Command: cmd, Node: "ns01", Client: c, Output: output, ExitCode: code}
	}
	results := []engine.Result{
		client("curl -s http://192.0.2.2/", &engine.Client{Outcome: engine.ClientOK, Connected: true, Status: 200}, "hello\n", 0),
		client("wget -qO- http://192.0.2.2/missing", &engine.Client{Outcome: engine.ClientOK, Connected: true, Status: 404}, "", 8),
		client("curl -s http://192.0.2.2:81/", &engine.Client{Outcome: engine.ClientRefused}, "", 7),
		client("curl -s --connect-timeout 1 http://203.0.113.5/", &engine.Client{Outcome: engine.ClientTimeout}, "", 28),
		client("curl -s -m 1 http://192.0.2.2:7/", &engine.Client{Outcome: engine.ClientTimeout, Connected: true}, "", 28),
		client("curl -s http://198.51.100.1/", &engine.Client{Outcome: engine.ClientUnreachable}, "", 7),
		client("curl -s http://web/", &engine.Client{Outcome: engine.ClientUnresolved}, "", 6),
		client("curl -s http://192.0.2.2:7/", &engine.Client{Outcome: engine.ClientBroken, Connected: true}, "", 1),
		client("curl -s http://192.0.2.3/", &engine.Client{Outcome: engine.ClientFailed}, "", 7),
		client("curl -s http://192.0.2.4/", &engine.Client{Outcome: engine.ClientCancelled}, "", 130),
		client("curl -s http://192.0.2.5/", nil, "", 1),
		client("nc -z 192.0.2.2 80", &engine.Client{Outcome: engine.ClientOK, Connected: true}, "", 0),
		client("nc -z 192.0.2.2 81", &engine.Client{Outcome: engine.ClientRefused}, "", 1),
		client("nc -z -w 1 203.0.113.5 80", &engine.Client{Outcome: engine.ClientTimeout}, "", 1),
	}
	results[10].Err = errors.New("Cannot open network namespace \"ns09\": No such file or directory")
	var expects []ExpectReport
	for _, e := range []labs.Expect{
		{Kind: labs.ExpectHTTP, Outcome: labs.HTTPOK, Status: 200, Text: "hello"},
		{Kind: labs.ExpectHTTP, Outcome: labs.HTTPError, Command: 2, Status: 404},
		{Kind: labs.ExpectHTTP, Outcome: labs.HTTPRefused, Command: 1},
		{Kind: labs.ExpectHTTP, Outcome: labs.HTTPTimeout, Command: 3},
		{Kind: labs.ExpectHTTP, Outcome: labs.HTTPOK, Command: 1, Text: "bye"},
		{Kind: labs.ExpectTCP, Outcome: labs.TCPConnects},
		{Kind: labs.ExpectTCP, Outcome: labs.TCPRefused, Command: 13},
		{Kind: labs.ExpectTCP, Outcome: labs.TCPTimeout, Command: 12},
	} {
		expects = append(expects, judgeClients(e, results)...)
	}
	expects = append(expects, judgeClients(labs.Expect{Kind: labs.ExpectHTTP, Outcome: labs.HTTPOK}, results[11:])...)
	expects = append(expects, judgeClients(labs.Expect{Kind: labs.ExpectTCP, Outcome: labs.TCPConnects}, results[:11])...)
	return &StepReport{Index: 4, Title: "Clients", Expects: expects}
}

// TestReportsInChinese renders every report in Chinese: no message is
// missing from the catalogue, and what is left in Latin letters is
// names, commands and tool output, never an English sentence.
func TestReportsInChinese(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	i18n.SetLang(i18n.Chinese)
	i18n.ResetMissing()
	out := strings.Join(everyReport(), "\n")
	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("untranslated: %v\n%s", m, out)
	}
	for _, want := range []string{"第 3 步", "预期未达成", "已完成", "下一步", "节点 ns01（host 上的网络命名空间）", "通过", "这一步没有抓包", "host 上的网卡 br01 处于 DOWN 状态，应当是 UP"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// English words left once names, commands and tool output are out.
	names := regexp.MustCompile(`"[^"]*"|'[^']*'|\b(ns0\d|veth0\d|br01|eth0|host|bridge|RTNETLINK answers: File exists|link br01 is down|ARP|netlab|ip link set br01 up|ip link add br01 type bridge|1 packets transmitted, 0 received|boom|UP|DOWN|HTTP|curl|wget|nc|hello|Cannot open network namespace|No such file or directory)\b`)
	// The titles are the test's own (a lab's translation is the lab's).
	left := out
	for _, title := range []string{"Create a bridge", "A bridge", "One", "Two", "Three", "Ping", "command 2 failed", "Clients"} {
		left = strings.ReplaceAll(left, title, "")
	}
	left = names.ReplaceAllString(left, "")
	if w := regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(left, -1); len(w) > 0 {
		t.Errorf("English words left in the Chinese reports: %v\n%s", w, out)
	}
}

// TestReportsInEnglish keeps the English reports word for word as they
// were before the catalogue.
func TestReportsInEnglish(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	i18n.SetLang(i18n.English)
	out := everyReport()
	want := []string{
		`step 3: Create a bridge  [FAIL]
  host$ ip link add br01 type bridge
    error: RTNETLINK answers: File exists
  command 1 failed, and the step does not expect it: exit status 1: 1 packets transmitted, 0 received
  command 2 failed, and the step does not expect it: RTNETLINK answers: File exists
  check failed: ip link set br01 up: link br01 is down
  check failed: ip link set br01 up: interface br01 on host is down, should be up
  expect FAILED: "ping -c 1 192.0.2.9" to get replies; it printed: 1 packets transmitted, 0 received
  expect ok: "ping -c 1 192.0.2.9" to get no reply
  expect FAILED: command 2 "ip link add br01 type bridge" to fail with "No such device"; it failed with: RTNETLINK answers: File exists
  expect FAILED: command 1 "ping -c 1 192.0.2.9" to fail; it never ran
  expect FAILED: command 1 "ping -c 1 192.0.2.9" to fail; it succeeded
  expect FAILED: "ICMP echo request" seen on ns01:veth01; the step captures nothing
  expect FAILED: "ICMP echo request" seen on ns01:veth01; no such packet among the 0 captured (capture on ns01:veth01 started before the commands, followed 2 interfaces of that name; its node ns01 was deleted after command 3)
  expect FAILED: "ARP" not seen on ns02:veth02; no capture ran on ns02:veth02: node ns02 does not exist at any point of the step
  expect FAILED: "ARP" not seen on ns03:eth0; ns03:eth0 is not among the step's captures (ns01:veth01, ns02:veth02)
  rolled back: command 2 failed
`,
		`FAIL  bridge step 3: Create a bridge
      command 2 failed
      command 1 "ping -c 1 192.0.2.9" on ns01 failed, and the step does not expect it: exit status 1: 1 packets transmitted, 0 received
      command 2 "ip link add br01 type bridge" on host failed, and the step does not expect it: RTNETLINK answers: File exists
      check of "ip link set br01 up": link br01 is down
      check of "ip link set br01 up": interface br01 on host is down, should be up
      expected "ping -c 1 192.0.2.9" to get replies; it printed: 1 packets transmitted, 0 received
      expected command 2 "ip link add br01 type bridge" to fail with "No such device"; it failed with: RTNETLINK answers: File exists
      expected command 1 "ping -c 1 192.0.2.9" to fail; it never ran
      expected command 1 "ping -c 1 192.0.2.9" to fail; it succeeded
      expected "ICMP echo request" seen on ns01:veth01; the step captures nothing
      expected "ICMP echo request" seen on ns01:veth01; no such packet among the 0 captured (capture on ns01:veth01 started before the commands, followed 2 interfaces of that name; its node ns01 was deleted after command 3)
      expected "ARP" not seen on ns02:veth02; no capture ran on ns02:veth02: node ns02 does not exist at any point of the step
      expected "ARP" not seen on ns03:eth0; ns03:eth0 is not among the step's captures (ns01:veth01, ns02:veth02)
`,
	}
	for i, w := range want {
		if out[i] != w {
			t.Errorf("report %d:\n got %q\nwant %q", i, out[i], w)
		}
	}
	if got, want := out[3], `lab bridge: A bridge
steps applied: 2 of 4
  done   1. One
  done   2. Two (by hand)
  next   3. Ping
INTERRUPTED in step 3 (Three) at command 2: ip link set br01 up
  run 'netlab undo' to roll it back, or 'netlab reset'
another netlab process is applying step 3 (Three), at command 2: ip link set br01 up
node host (host)
    br01
node ns01 (netns on host)
`; got != want {
		t.Errorf("status:\n got %q\nwant %q", got, want)
	}
	if got, want := out[4], "bridge: error: boom\nbridge: undo left differences:\n  \nFAIL bridge\n"; got != want {
		t.Errorf("test end: got %q, want %q", got, want)
	}
	if got, want := out[5], "bridge: undo of all 0 steps restored the lab exactly\nPASS bridge\n"; got != want {
		t.Errorf("test end: got %q, want %q", got, want)
	}
	if got, want := out[6], "undone step 3: Create a bridge\n"; got != want {
		t.Errorf("undo: got %q, want %q", got, want)
	}
	if got, want := out[8], `step 4: Clients  [FAIL]
  expect ok: "curl -s http://192.0.2.2/" to get an HTTP answer with status 200 containing "hello"
  expect FAILED: "wget -qO- http://192.0.2.2/missing" to get an HTTP answer with status 200 containing "hello"; it got an HTTP answer with status 404, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.2:81/" to get an HTTP answer with status 200 containing "hello"; its connection was refused, and it printed nothing
  expect FAILED: "curl -s --connect-timeout 1 http://203.0.113.5/" to get an HTTP answer with status 200 containing "hello"; its connection timed out, and it printed nothing
  expect FAILED: "curl -s -m 1 http://192.0.2.2:7/" to get an HTTP answer with status 200 containing "hello"; it connected, but no whole answer came in time, and it printed nothing
  expect FAILED: "curl -s http://198.51.100.1/" to get an HTTP answer with status 200 containing "hello"; it could not reach the host: no route, or the host is unreachable, and it printed nothing
  expect FAILED: "curl -s http://web/" to get an HTTP answer with status 200 containing "hello"; the host's name did not resolve, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.2:7/" to get an HTTP answer with status 200 containing "hello"; it connected, but the answer was empty, cut short or not HTTP, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.3/" to get an HTTP answer with status 200 containing "hello"; its connection failed, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.4/" to get an HTTP answer with status 200 containing "hello"; it was cancelled, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.5/" to get an HTTP answer with status 200 containing "hello"; it could not run: Cannot open network namespace "ns09": No such file or directory
  expect ok: "wget -qO- http://192.0.2.2/missing" to get an HTTP answer with status 404
  expect FAILED: "curl -s http://192.0.2.2/" to be refused; it got an HTTP answer with status 200; it printed: hello
  expect FAILED: "curl -s http://192.0.2.2:81/" to time out; its connection was refused, and it printed nothing
  expect FAILED: "curl -s http://192.0.2.2/" to get an HTTP answer containing "bye"; it got an HTTP answer with status 200; it printed: hello
  expect ok: "nc -z 192.0.2.2 80" to connect
  expect FAILED: "nc -z 192.0.2.2 81" to connect; its connection was refused, and it printed nothing
  expect FAILED: "nc -z -w 1 203.0.113.5 80" to connect; its connection timed out, and it printed nothing
  expect ok: "nc -z 192.0.2.2 81" to be refused
  expect FAILED: "nc -z 192.0.2.2 80" to time out; it connected, and it printed nothing
  expect FAILED: a curl or wget to get an HTTP answer; no such command ran
  expect FAILED: an nc client to connect; no such command ran
`; got != want {
		t.Errorf("clients:\n got %q\nwant %q", got, want)
	}
}
