// Package i18n picks the language a student reads and gives netlab's own
// words in it: the interface, the command line's messages and the
// runner's reports. Lab text carries its own translations (see
// labs.Lab); commands, tool output and packet lines are never translated.
//
// The English text of every message sits in the code beside its ID, so
// English needs no catalogue and a missing translation falls back to it.
// Other languages are catalogues embedded from assets/locales, one file
// per area (cli, tui, runner) so that each area grows without touching
// the others. Messages go through github.com/nicksnyder/go-i18n, which
// handles templates and plural forms.
package i18n
