package labs

import (
	"fmt"

	"github.com/netlab/netlab/labs/i18n"
)

// Untranslated lists, as warnings, every text of the lab that has no
// translation into lang, each at the original text's file:line:col
// ("step 3 text has no zh translation"). A lab without any lang
// translation gives one warning for the whole lab. English, the original,
// has nothing to translate. This is what "netlab lint --lang zh" adds.
func (l *Lab) Untranslated(lang i18n.Lang) Errors {
	l = l.Original()
	if lang == i18n.English || lang == "" {
		return nil
	}
	t := l.Translations[lang]
	if t == nil {
		if l.titlePos.line == 0 { // a plain script: its title is no YAML text
			return Errors{{File: l.File, Line: 1, Col: 1, Warning: true,
				Msg: fmt.Sprintf("the lab has no %s translation: a plain script lab carries none; write it as a YAML lab to translate it", lang)}}
		}
		return Errors{{File: l.File, Line: l.idPos.line, Col: l.idPos.col, Warning: true,
			Msg: fmt.Sprintf("the lab has no %s translation: add translations: %s: with its title, summary and steps (see docs/lab-format.md)", lang, lang)}}
	}
	u := untranslated{file: l.File, lang: lang}
	u.check("title", l.Title, t.Title, l.titlePos)
	u.check("summary", l.Summary, t.Summary, l.summaryPos)
	u.check("description", l.Description, t.Description, l.descPos)
	for i := range l.Steps {
		s := &l.Steps[i]
		var ts StepTranslation
		if i < len(t.Steps) {
			ts = t.Steps[i]
		}
		name := fmt.Sprintf("step %d ", i+1)
		u.check(name+"title", s.Title, ts.Title, s.titlePos)
		u.check(name+"text", s.Text, ts.Text, s.textPos)
		u.check(name+"explain", s.Explain, ts.Explain, s.explainPos)
		u.check(name+"hint", s.Hint, ts.Hint, s.hintPos)
		q := s.Question
		if q == nil {
			continue
		}
		tq := ts.Question
		if tq == nil {
			tq = &QuestionTranslation{}
		}
		u.check(name+"question ask", q.Ask, tq.Ask, q.askPos)
		for j, c := range q.Choices {
			var tc string
			if j < len(tq.Choices) {
				tc = tq.Choices[j]
			}
			var at pos
			if j < len(q.choicePos) {
				at = q.choicePos[j]
			}
			u.check(fmt.Sprintf("%squestion choice %d", name, j+1), c, tc, at)
		}
		u.check(name+"question explain", q.Explain, tq.Explain, q.explainPos)
	}
	return u.done()
}

// untranslated collects the warnings of Untranslated, at most
// MaxErrorsPerFile of them and a count of the rest.
type untranslated struct {
	file string
	lang i18n.Lang
	errs Errors
	more int
}

func (u *untranslated) check(field, original, translated string, at pos) {
	if original == "" || translated != "" {
		return
	}
	if len(u.errs) >= MaxErrorsPerFile {
		u.more++
		return
	}
	if at.line == 0 {
		at = pos{1, 1}
	}
	u.errs = append(u.errs, Error{File: u.file, Line: at.line, Col: at.col, Warning: true,
		Msg: fmt.Sprintf("%s has no %s translation", field, u.lang)})
}

func (u *untranslated) done() Errors {
	if u.more > 0 {
		last := u.errs[len(u.errs)-1]
		u.errs = append(u.errs, Error{File: u.file, Line: last.Line, Col: last.Col, Warning: true,
			Msg: fmt.Sprintf("... and %d more untranslated texts", u.more)})
	}
	return u.errs
}
