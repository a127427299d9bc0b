package labs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Load reads a lab from data. name is the file name used in errors; it
// also selects the format: ".yaml" and ".yml" files are YAML labs, any
// other name a plain script of commands. The error, when not nil, is an
// Errors listing every problem found.
func Load(name string, data []byte) (*Lab, error) {
	if isYAML(name) {
		return loadYAML(name, data)
	}
	return loadScript(name, data)
}

// LoadFile reads the lab file at path. Problems in the file are reported
// as Errors; a file that cannot be read gives the read error.
func LoadFile(path string) (*Lab, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lab file: %w", err)
	}
	return Load(path, data)
}

func isYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}
