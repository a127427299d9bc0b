package runner

import (
	"os"
	"strings"
	"testing"

	"github.com/netlab/netlab/labs"
)

// codeBlock returns the first fenced block of the given language after a
// heading in a markdown file.
func codeBlock(t *testing.T, doc, heading, lang string) string {
	t.Helper()
	i := strings.Index(doc, heading)
	if i < 0 {
		t.Fatalf("no %q in the doc", heading)
	}
	rest := doc[i:]
	start := strings.Index(rest, "```"+lang+"\n")
	if start < 0 {
		t.Fatalf("no %s block after %q", lang, heading)
	}
	rest = rest[start+len("```"+lang+"\n"):]
	return rest[:strings.Index(rest, "```")]
}

// The examples in docs/lab-format.md lint clean and pass netlab test: a
// new instructor copies them first.
func TestDocExamplesPass(t *testing.T) {
	isolate(t)
	b, err := os.ReadFile("../../docs/lab-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, ex := range []struct{ name, heading, lang, file string }{
		{"yaml example", "### A complete example", "yaml", "example.yaml"},
		{"failure example", "### Expecting a failure", "yaml", "failure.yaml"},
		{"client example", "### Expecting what a client meets", "yaml", "clients.yaml"},
		{"script example", "## Plain script labs", "sh", "example.sh"},
	} {
		t.Run(ex.name, func(t *testing.T) {
			lab, err := labs.Load(ex.file, []byte(codeBlock(t, doc, ex.heading, ex.lang)))
			if err != nil {
				t.Fatalf("the doc's example does not lint:\n%v", err)
			}
			t.Setenv("NETLAB_RUN", t.TempDir()) // its scratch session, never /run/netlab
			res := Test(lab, nil)
			if !res.OK {
				var fails []string
				for _, s := range res.Steps {
					fails = append(fails, s.Failures()...)
				}
				t.Fatalf("netlab test on the doc's example: %s\n%s", res.Text(), strings.Join(fails, "\n"))
			}
		})
	}
}
