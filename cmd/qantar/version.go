package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func init() {
	register(command{name: "version", summary: "print the version of this binary", run: runVersion})
}

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("version", "")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(m.Stdout, "qantar %s\n", v)
	return nil
}
