package labs

import (
	"errors"

	"github.com/netlab/netlab/engine/cmdline"
)

// parseCommand runs the command language's parser on one line. Any error
// that is not a *cmdline.ParseError is reported at the line's first column.
func parseCommand(text string) (*cmdline.Command, *cmdline.ParseError) {
	cmd, err := cmdline.Parse(text)
	if err == nil {
		return cmd, nil
	}
	var pe *cmdline.ParseError
	if errors.As(err, &pe) {
		if pe.Col < 1 {
			pe.Col = 1
		}
		return nil, pe
	}
	return nil, &cmdline.ParseError{Col: 1, Msg: err.Error()}
}
