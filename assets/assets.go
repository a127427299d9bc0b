// Package assets holds the files embedded in the netlab binary: the
// built-in labs under labs/ and the translations of netlab's own words
// under locales/.
package assets

import "embed"

// FS holds the embedded files. Built-in labs are labs/*.yaml; message
// catalogues are locales/AREA.LANG.yaml.
//
//go:embed labs locales
var FS embed.FS

// LabsDir is the directory of FS that holds the built-in labs.
const LabsDir = "labs"

// LocalesDir is the directory of FS that holds the message catalogues.
const LocalesDir = "locales"
