package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/netlab/netlab/assets"
)

var (
	loadOnce   sync.Once
	bundle     *goi18n.Bundle
	localizers map[Lang]*goi18n.Localizer
	loadErr    error

	missingMu sync.Mutex
	missing   = map[string]bool{} // "zh:ID" asked for but not translated
)

// load reads every catalogue under assets/locales once.
func load() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(assets.FS, path.Join(assets.LocalesDir, "*.yaml"))
	if err != nil {
		loadErr = err
	}
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(assets.FS, f); err != nil && loadErr == nil {
			loadErr = fmt.Errorf("%s: %w", f, err)
		}
	}
	localizers = map[Lang]*goi18n.Localizer{}
	for _, l := range Langs {
		localizers[l] = goi18n.NewLocalizer(bundle, string(l))
	}
}

// LoadError reports a catalogue that could not be read (a test asserts
// there is none; at run time netlab falls back to English).
func LoadError() error {
	loadOnce.Do(load)
	return loadErr
}

// T gives the message id in the current language. english is its text in
// English: the fallback, and the source the translators read. args are
// template fields as name, value pairs: T("step.run", "Enter: run step
// {{.N}}", "N", 7).
func T(id, english string, args ...any) string {
	return localize(id, english, "", nil, args)
}

// Relay is T for a message another package made with literal ID and
// English text, checked where it is written: the engine's check problems
// (engine.Problem, made by engine's problem(id, english, fields...)).
// args are name, value pairs as for T.
func Relay(id, english string, args ...any) string {
	return localize(id, english, "", nil, args)
}

// N is T for a message whose form depends on a count: one is the English
// text for count 1, other for any other count. The count is also the
// template field {{.Count}}.
func N(id string, count int, one, other string, args ...any) string {
	return localize(id, other, one, count, args)
}

func localize(id, other, one string, count any, args []any) string {
	loadOnce.Do(load)
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	if count != nil {
		data["Count"] = count
	}
	msg := &goi18n.Message{ID: id, Other: other, One: one}
	lang := Current()
	out, tag, err := localizers[lang].LocalizeWithTag(&goi18n.LocalizeConfig{DefaultMessage: msg, TemplateData: data, PluralCount: count})
	if lang != English && (err != nil || tag == language.English) {
		missingMu.Lock()
		missing[string(lang)+":"+id] = true
		missingMu.Unlock()
	}
	if out == "" {
		out = other
	}
	return out
}

// Missing lists the messages asked for in a language other than English
// that had no translation there, as "lang:id", sorted. Tests that render
// screens in Chinese fail when it is not empty.
func Missing() []string {
	missingMu.Lock()
	defer missingMu.Unlock()
	var out []string
	for k := range missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ResetMissing forgets what Missing reports.
func ResetMissing() {
	missingMu.Lock()
	defer missingMu.Unlock()
	missing = map[string]bool{}
}

// Translated lists the message IDs the catalogue holds for l.
func Translated(l Lang) map[string]bool {
	loadOnce.Do(load)
	out := map[string]bool{}
	files, _ := fs.Glob(assets.FS, path.Join(assets.LocalesDir, "*."+string(l)+".yaml"))
	for _, f := range files {
		buf, err := fs.ReadFile(assets.FS, f)
		if err != nil {
			continue
		}
		var m map[string]any
		if yaml.Unmarshal(buf, &m) == nil {
			for k := range m {
				out[strings.TrimSpace(k)] = true
			}
		}
	}
	return out
}
