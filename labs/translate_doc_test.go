package labs

import (
	"os"
	"strings"
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// TestTranslationDocExample: the example of docs/lab-format.md's
// Translations section loads clean and is fully translated.
func TestTranslationDocExample(t *testing.T) {
	b, err := os.ReadFile("../docs/lab-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "## Translations")
	if i < 0 {
		t.Fatal("no Translations section")
	}
	rest := doc[i:]
	start := strings.Index(rest, "```yaml\n")
	if start < 0 {
		t.Fatal("no yaml example in the Translations section")
	}
	rest = rest[start+len("```yaml\n"):]
	lab, err := Load("example.yaml", []byte(rest[:strings.Index(rest, "```")]))
	if err != nil {
		t.Fatalf("the example does not lint:\n%v", err)
	}
	if len(lab.Warnings) > 0 || len(lab.Untranslated(i18n.Chinese)) > 0 {
		t.Errorf("warnings: %v %v", lab.Warnings, lab.Untranslated(i18n.Chinese))
	}
	if q := lab.In(i18n.Chinese).Steps[1].Question; q.Choices[0] != "lo，处于关闭状态" || q.Answer != 0 {
		t.Errorf("question in zh: %+v", q)
	}
}
