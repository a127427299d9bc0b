package i18n

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Lang is a language netlab speaks.
type Lang string

// The languages netlab speaks.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// Langs lists the languages, English first.
var Langs = []Lang{English, Chinese}

// ParseLang reads a language as --lang and NETLAB_LANG take it: "en" or
// "zh", or a locale name such as zh_CN.UTF-8.
func ParseLang(s string) (Lang, error) {
	if l, ok := fromLocale(s); ok {
		return l, nil
	}
	return "", fmt.Errorf("unknown language %q (netlab speaks en and zh)", s)
}

// Detect picks the language from the environment: NETLAB_LANG first,
// then the locale (LC_ALL, LC_MESSAGES, LANG, the first one set, as
// setlocale reads them). zh, zh_CN and zh_SG (any encoding) are Chinese;
// anything else, or nothing, is English.
func Detect(getenv func(string) string) Lang {
	if v := getenv("NETLAB_LANG"); v != "" {
		if l, err := ParseLang(v); err == nil {
			return l
		}
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			l, _ := fromLocale(v)
			if l == "" {
				l = English
			}
			return l
		}
	}
	return English
}

// fromLocale maps "zh", "zh_CN.UTF-8", "zh-SG", "en_US" and the like to a
// language. Traditional Chinese locales (zh_TW, zh_HK) are not ours.
func fromLocale(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, "-", "_")
	switch s {
	case "zh", "zh_cn", "zh_sg", "zh_hans", "zh_hans_cn":
		return Chinese, true
	case "en", "c", "posix":
		return English, true
	}
	if strings.HasPrefix(s, "en_") {
		return English, true
	}
	return "", false
}

var current atomic.Value // Lang

// SetLang makes l the language of every message from now on (the TUI's
// language key calls it while running).
func SetLang(l Lang) { current.Store(l) }

// Current is the language messages are given in.
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return English
}
