// Package witness keeps a log from showing one history to one reader and
// another to the next: independent witnesses cosign each checkpoint only
// after checking that it extends every one they cosigned before, and a
// reader trusts a checkpoint only with the cosignatures its policy asks
// for. It implements, with golang.org/x/mod/sumdb/note and package tlog:
//
//   - C2SP tlog-cosignature/v1 (https://c2sp.org/tlog-cosignature): Ed25519
//     cosignatures over "cosignature/v1\ntime T\n" and the checkpoint, with
//     key type 0x04 (Signer, Verifier, LoadOrCreateKey);
//   - C2SP tlog-witness (https://c2sp.org/tlog-witness): the witness's
//     POST /add-checkpoint (Server), its state and the evidence of any
//     inconsistent checkpoint in its own SQLite database (DB);
//   - a policy file in the line format of Sigsum's and C2SP's witness
//     policies, with note verifier keys (Policy, CheckQuorum);
//   - the log's side (Cosigner): it sends each new checkpoint with a
//     consistency proof to the policy's witnesses in the background and
//     keeps the newest checkpoint that carries the quorum's cosignatures.
//
// A server wires it in a few lines:
//
//	p, err := witness.ReadPolicy(path)
//	c, err := witness.NewCosigner(witness.CosignerConfig{Policy: p, LogKey: store.LogKey(),
//		Proof: witness.TileProofs(store.Tile), StateFile: dbPath + ".witnessed"})
//	go c.Run(ctx, store.Checkpoint) // after each write: c.Notify()
//	// GET /log/checkpoint: c.Witnessed() (nil until the quorum first holds)
//
// and a reader checks a checkpoint with witness.CheckQuorum(p, signed).
// docs/WITNESS.md says how a partner runs `qantar witness serve`.
package witness
