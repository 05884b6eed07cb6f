// Package client checks a Qantar log from outside, as a third party would:
// over HTTP, with nothing but the log's public key and what a server or a
// static mirror serves at its C2SP tlog-tiles paths (tlog.PathCheckpoint,
// tlog.PathKey, tlog.PathTilePrefix). Package tlog holds the formats and
// the tree arithmetic on bytes; this package fetches them.
//
// Verify fetches the signed checkpoint and checks its signature, fetches
// every entry bundle and hash tile, recomputes every leaf hash and the
// root, checks that a checkpoint the user kept earlier is a prefix of the
// served tree, and that each public record version given
// (Options.Records, RecordVersionOf) is a leaf with the matching
// commitment.
//
// When the kept checkpoint and the served one cannot both be true, the
// log's operator has signed two histories (a fork, shown to this reader
// and perhaps not to others). Verify then keeps the evidence, as the
// client of transparency-dev/tessera does in its ErrInconsistency: both
// signed checkpoints and the consistency proof from the smaller to the
// larger, built from the served tree, which leads to the larger root from
// a prefix root that is not the smaller checkpoint's (Evidence). Anyone
// with the log's key can check it (Evidence.Check), with this package or
// with any implementation of RFC 6962 and C2SP signed notes.
package client
