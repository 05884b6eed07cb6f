package main

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	register(command{name: "repair", summary: "sign a new checkpoint of the log as its leaves stand, when the stored one is missing or invalid, or with --rebuild make the projections and indexes again from the records; either records why in the audit log", run: runRepair})
}

// rebuilder is a store that can make again, from its records, what it keeps
// beside them (projections, list filters' fields, the search index).
type rebuilder interface {
	MarkRebuild(ctx context.Context, why string) error
	Close() error
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
	fs := m.newFlags("repair", "--db D --why \"what happened\" [--rebuild]")
	db := dbFlag(fs)
	why := fs.String("why", "", "why the checkpoint is re-signed, or the rebuild made (required; kept in the audit log)")
	rebuild := fs.Bool("rebuild", false, "instead, make again from the records what is kept beside them (projections, list filters' index, search index), when verify found it edited")
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
	if *rebuild {
		return m.rebuildDB(ctx, *db, *why)
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

// rebuildDB marks what a database keeps beside its records to be made
// again, opens it again (which makes it, in one transaction), and
// verifies the whole. Records, versions and the log are not touched.
func (m *Main) rebuildDB(ctx context.Context, db, why string) error {
	s, err := openAppStore(ctx, storeConfig{DSN: db})
	if err != nil {
		return err
	}
	r, ok := s.(rebuilder)
	if !ok {
		s.Close()
		return fmt.Errorf("this store cannot rebuild what it keeps beside its records")
	}
	err = r.MarkRebuild(ctx, why)
	s.Close()
	if err != nil {
		return err
	}
	if s, err = openAppStore(ctx, storeConfig{DSN: db}); err != nil {
		return err
	}
	s.Close()
	m.sayln(m.Stdout, "made again from the records: projections, the list filters' index and the search index")
	return m.verifyDB(ctx, db)
}
