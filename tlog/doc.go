// Package tlog is Qantar's tamper-evident history: every record version
// written is one leaf of an append-only Merkle tree, and signed checkpoints
// of that tree let anyone who kept one hold the log to it later. It uses the
// formats of Certificate Transparency, Go's checksum database and Sigstore,
// so that existing tools and a client written from the specs alone can
// check a Qantar log:
//
//   - RFC 6962 hashing (https://www.rfc-editor.org/rfc/rfc6962#section-2.1),
//     with github.com/transparency-dev/merkle;
//   - C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) signed as a
//     C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, with
//     golang.org/x/mod/sumdb/note;
//   - C2SP tlog-tiles (https://c2sp.org/tlog-tiles) to serve the tree and
//     its entries as static, cacheable files.
//
// The package holds the formats and the tree arithmetic, not the storage
// and not HTTP: the SQLite and PostgreSQL stores implement NodeStore and
// LeafReader over their own tables inside their own transactions, and the
// web package maps the functions below onto routes.
//
// # Leaves (leaf.go, LEAF.md)
//
// A Leaf is sequence number, time, who wrote it, record kind, id, version,
// operation and a commitment to the version's canonical JSON
// (qantar.Canonical). New leaves are qantar-leaf/v3: the fourth line is
// only the writer's class (ActorClass: "system" or "editor"), never the
// account, and CommitV3(json, reason, actor, salt) = HMAC-SHA-256(salt,
// json || "\n" || reason || "\n" || actor) for every version, public or
// not, with a per-version salt from NewSalt kept with the version and
// served (with its actor) only with a version the reader may see whole.
// Leaves written before stay valid: qantar-leaf/v2 (the actor in clear,
// CommitV2 = HMAC-SHA-256(salt, json || "\n" || reason)) and qantar-leaf/v1
// (Commit(json, nil) = SHA-256(json) for a public record, Commit(json,
// salt) = HMAC-SHA-256(salt, json) for a protected one). Leaf.Matches
// checks any of them. Leaf.Encode gives its one canonical text encoding,
// DecodeLeaf reads it back strictly, LeafHash is the tree's leaf hash of
// the encoding. LEAF.md documents the encoding byte by byte.
//
// # Writing (tree.go)
//
// In the transaction that writes a version, a store:
//
//	salt := tlog.NewSalt()               // kept with the version
//	leaf := tlog.Leaf{Format: tlog.LeafV3, Index: size, Time: now.Truncate(time.Microsecond), Actor: tlog.ActorClass(actor.LogID()),
//		Kind: kind, ID: id, Version: v, Op: op, Salted: true, Commitment: tlog.CommitV3(json, reason, actor.LogID(), salt)}
//	enc, err := leaf.Encode()            // store (index, enc) in its leaves table
//	size, root, err = tlog.Append(ctx, nodes, size, [][]byte{tlog.LeafHash(enc)})
//
// (Leaf.Encode refuses a time finer than a microsecond: PostgreSQL keeps no
// finer, and `verify --db` must rebuild the same bytes from what was kept.)
// Append reads the O(log n) nodes of the tree's right border and writes
// every complete node the batch makes, so a bulk import appends thousands
// of leaves with one call. The store keeps the tree size (the number of
// leaves) in the same transaction, and signs a new checkpoint after the
// commit (SignCheckpoint with the signer from LoadOrCreateKey).
//
// # Reading (tiles.go, proof.go, checkpoint.go)
//
//	GET /log/checkpoint       the latest signed checkpoint, as stored
//	GET /log/key              the verifier key from LoadOrCreateKey, one line
//	GET /log/tile/{path...}   t, err := ParseTilePath("tile/" + path), then ReadTile or
//	                          ReadBundle (t.Entries) against the latest checkpoint's size;
//	                          full tiles (!t.Partial()) are immutable
//	GET /api/v1/{kind}/{id}/proof?version=V   NewRecordProof
//
// Errors from parsers and readers are *qantar.Error: EINVALID for a
// malformed path or input (400), ENOTFOUND for a tile or leaf the tree does
// not have (404); any other error is the store's.
//
// # Verifying (proof.go; remote verification in tlog/client)
//
// ScanLeaves recomputes the root from a store's leaves (and compares the
// stored tile nodes) for `qantar verify --db`, calling back for each leaf
// so that the store can check it against its record version (Leaf.Matches);
// a Builder or RebuildRoot does the same over any stream of leaves.
// RecordProof.Verify checks one version's inclusion proof offline.
// Package tlog/client checks a mirror over HTTP as a third party would:
// signature, every tile and bundle, the root, an old checkpoint as a
// prefix (keeping the evidence of a fork), and the public records'
// commitments.
//
// A store may also implement NodeRangeReader, which ReadTile then uses to
// read a tile's 256 nodes with one range scan.
package tlog
