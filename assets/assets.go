// Package assets holds the files embedded in the netlab binary: the
// built-in labs under labs/.
package assets

import "embed"

// FS holds the embedded files. Built-in labs are labs/*.yaml.
//
//go:embed labs
var FS embed.FS

// LabsDir is the directory of FS that holds the built-in labs.
const LabsDir = "labs"
