package runner

import "github.com/netlab/netlab/engine"

func resetDir(dir string) error { return engine.Reset(dir) }
