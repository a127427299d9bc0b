package labs

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/netlab/netlab/labs/i18n"
)

// The keys a translation mirrors from the lab, its steps and its
// questions: the text, and nothing that runs. Kept in step with
// docs/lab.schema.json by a test.
var (
	translationKeys         = []string{"title", "summary", "description", "steps"}
	stepTranslationKeys     = []string{"title", "text", "explain", "hint", "question"}
	questionTranslationKeys = []string{"ask", "choices", "explain"}
)

// translations reads the lab's translations: key, a mapping from a
// language to a mirror of the lab's text. It runs once the steps are read:
// a translation must have the lab's shape (as many steps, a question only
// where the step has one, as many choices), since steps and choices are
// matched by position.
func (y *yamlLoader) translations(n *yaml.Node, lab *Lab) map[i18n.Lang]*Translation {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		y.el.add(n.Line, n.Column, "translations must be a mapping from a language (%s) to the lab's text in it, not %s", otherLangs(), kindName(n))
		return nil
	}
	out := map[i18n.Lang]*Translation{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		lang := i18n.Lang(k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			y.el.add(k.Line, k.Column, "a key in translations must be a language (%s), not %s", otherLangs(), kindName(k))
		case lang == i18n.English:
			y.el.add(k.Line, k.Column, "the lab's own text is its English: translations holds the other languages (%s)", otherLangs())
		case !knownLang(lang):
			y.el.add(k.Line, k.Column, "unknown language %q in translations (netlab speaks %s)", clipText(k.Value), otherLangs())
		case out[lang] != nil:
			y.el.add(k.Line, k.Column, "language %q is translated twice", k.Value)
		default:
			out[lang] = y.translation(v, lab, lang)
		}
	}
	return out
}

func (y *yamlLoader) translation(n *yaml.Node, lab *Lab, lang i18n.Lang) *Translation {
	t := &Translation{}
	what := fmt.Sprintf("the %s translation", lang)
	m := y.transMapping(n, what, translationKeys, labKeys)
	if m == nil {
		return t
	}
	t.Title = y.transText(m, "title", lab.Title, what)
	t.Summary = y.transText(m, "summary", lab.Summary, what)
	t.Description = y.transText(m, "description", lab.Description, what)
	v := m["steps"]
	if v == nil {
		return t
	}
	items := y.list(v, fmt.Sprintf("steps of %s", what))
	for i, item := range items {
		if i >= len(lab.Steps) {
			y.el.add(item.Line, item.Column, "%s has %s, the lab %d: steps are matched by position, so this one translates no step of the lab",
				what, plural(len(items), "step"), len(lab.Steps))
			break
		}
		t.Steps = append(t.Steps, y.stepTranslation(item, &lab.Steps[i], i+1, lang))
	}
	if v.Kind == yaml.SequenceNode && len(items) < len(lab.Steps) {
		y.el.add(v.Line, v.Column, "%s has %s, the lab %d: steps are matched by position, so give one entry per step ({} for a step not translated yet)",
			what, plural(len(items), "step"), len(lab.Steps))
	}
	return t
}

func (y *yamlLoader) stepTranslation(n *yaml.Node, s *Step, num int, lang i18n.Lang) StepTranslation {
	var t StepTranslation
	what := fmt.Sprintf("step %d of the %s translation", num, lang)
	m := y.transMapping(n, what, stepTranslationKeys, stepKeys)
	if m == nil {
		return t
	}
	t.Title = y.transText(m, "title", s.Title, what)
	t.Text = y.transText(m, "text", s.Text, what)
	if v := m["text"]; v != nil {
		t.textPos = y.textPos(v)
	}
	t.Explain = y.transText(m, "explain", s.Explain, what)
	t.Hint = y.transText(m, "hint", s.Hint, what)
	v := m["question"]
	if v == nil {
		return t
	}
	if s.Question == nil {
		y.el.add(v.Line, v.Column, "%s translates a question, but step %d asks none", what, num)
		return t
	}
	t.Question = y.questionTranslation(v, s.Question, num, lang)
	y.translatedSpoilers(s, &t)
	return t
}

func (y *yamlLoader) questionTranslation(n *yaml.Node, q *Question, num int, lang i18n.Lang) *QuestionTranslation {
	t := &QuestionTranslation{}
	what := fmt.Sprintf("the question of step %d of the %s translation", num, lang)
	m := y.transMapping(n, what, questionTranslationKeys, questionKeys)
	if m == nil {
		return t
	}
	t.Ask = y.transText(m, "ask", q.Ask, what)
	t.Explain = y.transText(m, "explain", q.Explain, what)
	v := m["choices"]
	if v == nil {
		return t
	}
	items := y.list(v, "choices of "+what)
	for i, item := range items {
		if i >= len(q.Choices) {
			y.el.add(item.Line, item.Column, "%s has %s, the question %d: choices are matched by position (the answer is an index), so this one translates no choice",
				what, plural(len(items), "choice"), len(q.Choices))
			break
		}
		s, _ := y.str(item, "a question choice")
		t.Choices = append(t.Choices, blankless(s))
	}
	if v.Kind == yaml.SequenceNode && len(items) < len(q.Choices) {
		y.el.add(v.Line, v.Column, "%s has %s, the question %d: translate every choice, in the same order, or leave choices out",
			what, plural(len(items), "choice"), len(q.Choices))
	}
	return t
}

// transText reads a translated text. Translating a text the original does
// not have (a hint of a step without one) is an error: the translation
// would be shown nowhere.
func (y *yamlLoader) transText(m map[string]*yaml.Node, key, original, what string) string {
	v := m[key]
	if v == nil {
		return ""
	}
	s, _ := y.str(v, fmt.Sprintf("a translated %s", key))
	if original == "" {
		y.el.add(v.Line, v.Column, "%s gives %s:, but the original has no %s to translate: add it to the original first", what, key, key)
		return ""
	}
	return blankless(s)
}

// transMapping is mapping for a translation: the keys that hold text are
// allowed; a key of the original that does not (commands, answer, ...) is
// refused with the reason.
func (y *yamlLoader) transMapping(n *yaml.Node, what string, allowed, original []string) map[string]*yaml.Node {
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
		case !contains(allowed, k.Value) && contains(original, k.Value):
			y.el.add(k.Line, k.Column, "%q is not translated: %s holds only text (%s); commands, expectations, nodes and answers are the lab's own in every language",
				k.Value, what, strings.Join(allowed, ", "))
		case !contains(allowed, k.Value):
			y.el.add(k.Line, k.Column, "unknown key %q in %s (allowed: %s)", clipText(k.Value), what, strings.Join(allowed, ", "))
		case m[k.Value] != nil:
			y.el.add(k.Line, k.Column, "key %q is given twice in %s", k.Value, what)
		default:
			m[k.Value] = resolve(v)
		}
	}
	return m
}

// translatedSpoilers runs the spoiler check (see spoiler.go) on a step's
// translated text against its translated question.
func (y *yamlLoader) translatedSpoilers(s *Step, t *StepTranslation) {
	if t.Text == "" || t.Question == nil {
		return
	}
	q := s.Question.in(t.Question)
	if spoiled, words := answerSpoiled(t.Text, q); spoiled {
		y.el.warn(t.textPos.line, t.textPos.col, "the step's translated text gives away the answer to its question (it already says %s): ask first, and move that explanation to the step's explain:, shown once the step has run",
			quoteWords(words))
	}
}

// plural is "1 step", "2 steps".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// blankless treats a text of only spaces as no translation.
func blankless(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// knownLang tells a language a lab can be translated into.
func knownLang(l i18n.Lang) bool {
	for _, x := range i18n.Langs {
		if x == l && x != i18n.English {
			return true
		}
	}
	return false
}

// otherLangs lists the languages a lab can be translated into, for errors.
func otherLangs() string {
	var out []string
	for _, l := range i18n.Langs {
		if l != i18n.English {
			out = append(out, string(l))
		}
	}
	return strings.Join(out, ", ")
}
