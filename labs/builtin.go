package labs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netlab/netlab/assets"
	"github.com/netlab/netlab/labs/i18n"
)

// EnvDir is the environment variable naming the instructor's lab directory
// when --labs is not given.
const EnvDir = "NETLAB_LABS"

// Dir returns the instructor's lab directory: flag when set, otherwise
// $NETLAB_LABS, otherwise "" (built-in labs only).
func Dir(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(EnvDir)
}

// BuiltIn loads the labs embedded in netlab, sorted by id.
func BuiltIn() ([]*Lab, error) {
	return builtIn(assets.FS, assets.LabsDir)
}

func builtIn(fsys fs.FS, dir string) ([]*Lab, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read built-in labs: %w", err)
	}
	var labs []*Lab
	var errs Errors
	for _, e := range entries {
		if e.IsDir() || !isLabFile(e.Name()) {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read built-in lab %s: %w", name, err)
		}
		lab, err := Load(path.Join("assets", name), data)
		if err != nil {
			errs = appendErr(errs, path.Join("assets", name), err)
			continue
		}
		lab.BuiltIn = true
		labs = append(labs, lab)
	}
	errs = append(errs, duplicateIDs(labs)...)
	sort.Slice(labs, func(i, j int) bool { return labs[i].ID < labs[j].ID })
	if len(errs) > 0 {
		return labs, errs
	}
	return labs, nil
}

// LoadDir loads every lab file in dir (not its subdirectories): files
// ending in .yaml, .yml, .sh or .txt, except hidden ones. It returns the
// labs that loaded and an Errors for the files that did not.
func LoadDir(dir string) ([]*Lab, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read lab directory: %w", err)
	}
	var labs []*Lab
	var errs Errors
	for _, e := range entries {
		if e.IsDir() || !isLabFile(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		lab, err := LoadFile(p)
		if err != nil {
			errs = appendErr(errs, p, err)
			continue
		}
		labs = append(labs, lab)
	}
	if len(errs) > 0 {
		return labs, errs
	}
	return labs, nil
}

// isLabFile tells which files of a directory are labs.
func isLabFile(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".sh", ".txt":
		return true
	}
	return false
}

// all loads the built-in labs and those in dir ("" for none), checking
// that no two share an id.
func all(dir string) ([]*Lab, error) {
	labs, err := BuiltIn()
	var errs Errors
	if err != nil {
		errs = appendErr(errs, "assets", err)
	}
	if dir != "" {
		own, err := LoadDir(dir)
		if err != nil {
			errs = appendErr(errs, dir, err)
		}
		labs = append(labs, own...)
	}
	errs = append(errs, duplicateIDs(labs)...)
	if len(errs) > 0 {
		errs.sort()
		return labs, errs
	}
	return labs, nil
}

// List returns the built-in labs and the instructor's labs in dir ("" for
// built-ins only). When some files fail to load, the others are still
// listed and the error is an Errors naming the bad ones.
func List(dir string) ([]Summary, error) {
	return ListIn(dir, i18n.English)
}

// ListIn is List in lang: each lab's title and summary as the lab
// translates them into lang, in the original where it does not.
func ListIn(dir string, lang i18n.Lang) ([]Summary, error) {
	labs, err := all(dir)
	out := make([]Summary, 0, len(labs))
	for _, l := range labs {
		out = append(out, l.In(lang).Summarize())
	}
	return out, err
}

// Find returns the lab nameOrPath names: a lab file's path (anything with
// a path separator or a lab file extension that exists), a built-in lab's
// id, or the id of a lab in the instructor's directory dir.
func Find(nameOrPath, dir string) (*Lab, error) {
	if looksLikePath(nameOrPath) {
		if st, err := os.Stat(nameOrPath); err == nil && !st.IsDir() {
			return LoadFile(nameOrPath)
		}
	}
	builtIns, err := BuiltIn()
	if err != nil {
		return nil, err
	}
	for _, l := range builtIns {
		if l.ID == nameOrPath {
			return l, nil
		}
	}
	ids := idsOf(builtIns)
	if dir != "" {
		own, err := LoadDir(dir)
		for _, l := range own {
			if l.ID == nameOrPath {
				return l, nil
			}
		}
		ids = append(ids, idsOf(own)...)
		if err != nil && !errors.As(err, new(Errors)) {
			return nil, err
		}
	}
	if st, err := os.Stat(nameOrPath); err == nil && !st.IsDir() {
		return LoadFile(nameOrPath)
	}
	where := "built-in labs"
	if dir != "" {
		where += " and " + dir
	}
	return nil, fmt.Errorf("no lab %q: not a file, and not the id of a lab in the %s (%s)", nameOrPath, where, strings.Join(ids, ", "))
}

func looksLikePath(s string) bool {
	return strings.ContainsRune(s, os.PathSeparator) || strings.ContainsRune(s, '/') || isLabFile(filepath.Base(s))
}

func idsOf(labs []*Lab) []string {
	out := make([]string, len(labs))
	for i, l := range labs {
		out[i] = l.ID
	}
	return out
}

// duplicateIDs reports each lab whose id an earlier lab already uses.
func duplicateIDs(labs []*Lab) Errors {
	var errs Errors
	first := map[string]*Lab{}
	for _, l := range labs {
		prev := first[l.ID]
		if prev == nil {
			first[l.ID] = l
			continue
		}
		errs = append(errs, Error{File: l.File, Line: l.idPos.line, Col: l.idPos.col,
			Msg: fmt.Sprintf("duplicate lab id %q: %s:%d:%d already uses it", l.ID, prev.File, prev.idPos.line, prev.idPos.col)})
	}
	return errs
}

// appendErr adds err to errs, keeping an Errors' entries and turning any
// other error into one entry for file.
func appendErr(errs Errors, file string, err error) Errors {
	var le Errors
	if errors.As(err, &le) {
		return append(errs, le...)
	}
	return append(errs, Error{File: file, Line: 1, Col: 1, Msg: err.Error()})
}
