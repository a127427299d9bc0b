package labs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileSize is the largest lab file netlab reads. The longest built-in
// lab is a few KiB; the limit keeps a huge or hostile file from costing
// more than a moment of lint or list.
const MaxFileSize = 1 << 20

// Load reads a lab from data. name is the file name used in errors; it
// also selects the format: ".yaml" and ".yml" files are YAML labs, any
// other name a plain script of commands. The error, when not nil, is an
// Errors listing every problem found. Warnings of a lab that loads are in
// its Warnings.
func Load(name string, data []byte) (*Lab, error) {
	if len(data) > MaxFileSize {
		return nil, tooBig(name, int64(len(data)))
	}
	if isYAML(name) {
		return loadYAML(name, data)
	}
	return loadScript(name, data)
}

// LoadFile reads the lab file at path. Problems in the file are reported
// as Errors; a file that cannot be read gives the read error. At most
// MaxFileSize bytes are read.
func LoadFile(path string) (*Lab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read lab file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read lab file: %w", err)
	}
	if len(data) > MaxFileSize {
		size := int64(len(data))
		if st, err := f.Stat(); err == nil && st.Size() > size {
			size = st.Size()
		}
		return nil, tooBig(path, size)
	}
	return Load(path, data)
}

func tooBig(name string, size int64) error {
	return Errors{{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf(
		"the file is too big (%s): a lab file may be at most %s", sizeText(size), sizeText(MaxFileSize))}}
}

// sizeText renders a byte count the way the size limit message uses it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func isYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}
