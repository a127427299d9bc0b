package labs

import "github.com/netlab/netlab/labs/i18n"

// Translation is a lab's text in one other language, from the file's
// translations: key. It mirrors the lab's translatable text and nothing
// else: commands, expectations, nodes and answers are the lab's own in
// every language. A field left "" is not translated and reads in the
// original.
type Translation struct {
	Title       string
	Summary     string
	Description string
	// Steps match the lab's steps by position: Steps[i] translates
	// Lab.Steps[i]. Lint makes sure there are exactly as many.
	Steps []StepTranslation
}

// StepTranslation is one step's text in another language.
type StepTranslation struct {
	Title    string
	Text     string
	Explain  string
	Hint     string
	Question *QuestionTranslation // nil when the question is not translated

	textPos pos // where the translated text starts, for the spoiler check
}

// QuestionTranslation is a question's text in another language. Choices
// match the original's by position, so the answer (an index) stays the
// lab's own; nil when the choices are not translated.
type QuestionTranslation struct {
	Ask     string
	Choices []string
	Explain string
}

// In returns the lab as a student reading lang sees it: every text field
// the lab file translates into lang replaced by its translation, anything
// untranslated left in the original. Commands and expectations are never
// translated, and a question's answer stays the same index. The lab itself
// is not changed, and a translated lab can be asked for another language
// (In(i18n.English) gives the original back), so a reader can switch
// languages at any time.
func (l *Lab) In(lang i18n.Lang) *Lab {
	src := l
	if l.orig != nil {
		src = l.orig
	}
	t := src.Translations[lang]
	if t == nil {
		return src
	}
	c := *src
	c.orig = src
	c.Title = pick(t.Title, src.Title)
	c.Summary = pick(t.Summary, src.Summary)
	c.Description = pick(t.Description, src.Description)
	c.Steps = make([]Step, len(src.Steps))
	copy(c.Steps, src.Steps)
	for i := range c.Steps {
		if i >= len(t.Steps) {
			break
		}
		s, ts := &c.Steps[i], &t.Steps[i]
		s.Title = pick(ts.Title, s.Title)
		s.Text = pick(ts.Text, s.Text)
		s.Explain = pick(ts.Explain, s.Explain)
		s.Hint = pick(ts.Hint, s.Hint)
		if s.Question != nil && ts.Question != nil {
			s.Question = s.Question.in(ts.Question)
		}
	}
	return &c
}

// in returns a copy of q with t's text over its own.
func (q *Question) in(t *QuestionTranslation) *Question {
	c := *q
	c.Ask = pick(t.Ask, q.Ask)
	c.Explain = pick(t.Explain, q.Explain)
	c.Choices = append([]string(nil), q.Choices...)
	for i := range c.Choices {
		if i < len(t.Choices) {
			c.Choices[i] = pick(t.Choices[i], c.Choices[i])
		}
	}
	return &c
}

// Original returns the lab as its file writes it, before any translation.
func (l *Lab) Original() *Lab {
	if l.orig != nil {
		return l.orig
	}
	return l
}

// pick is the translation when there is one, else the original.
func pick(translated, original string) string {
	if translated != "" {
		return translated
	}
	return original
}
