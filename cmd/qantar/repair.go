package main

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	register(command{name: "repair", summary: "sign a new checkpoint of the log as its leaves stand, when the stored one is missing or invalid, recording why in the audit log", run: runRepair})
}

// checkpointRepairer is a store that can re-sign its log's checkpoint.
type checkpointRepairer interface {
	RepairCheckpoint(ctx context.Context, why string) ([]byte, error)
}

// runRepair is the one command that may sign a checkpoint that verify found
// missing or invalid. It rewrites no leaf or version, says why in the audit
// log and on standard error, and verifies the log afterwards. A re-signed
// checkpoint is a new statement by the log's key: readers and witnesses
// holding an older checkpoint still check that the new one extends it.
func runRepair(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("repair", "--db D --why \"what happened\"")
	db := dbFlag(fs)
	why := fs.String("why", "", "why the checkpoint is re-signed (required; kept in the audit log)")
	var lc logConfig
	logFlags(fs, &lc)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if strings.TrimSpace(*why) == "" {
		return usagef("--why is required: say what happened to the checkpoint")
	}
	if err := m.checkExists(*db); err != nil {
		return err
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db, Repair: true})
	if err != nil {
		return err
	}
	defer s.Close()
	r, ok := s.(checkpointRepairer)
	if !ok {
		return fmt.Errorf("this store cannot repair its checkpoint")
	}
	signed, err := r.RepairCheckpoint(ctx, *why)
	if err != nil {
		return err
	}
	if signed == nil {
		m.sayln(m.Stdout, "the stored checkpoint verifies: nothing to repair")
	} else {
		m.logger(lc).Warn("re-signed the log's checkpoint", "db", redactDSN(*db), "why", *why)
		fmt.Fprintf(m.Stdout, "%s\n%s", m.say("signed a new checkpoint:"), signed)
	}
	s.Close()
	return m.verifyDB(ctx, *db)
}
