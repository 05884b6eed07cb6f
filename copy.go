package qantar

import "time"

// The rows of a copy between stores (`qantar copy`): every table that holds
// what a store knows, as it is stored, so that the copy has the same
// history, the same leaves and the same signed checkpoint. Every store
// reads and writes these same types. Users and the audit log travel as User and
// AuditEntry; sessions do not travel (people sign in again).
type (
	// CopyState is the log's size, root and latest signed checkpoint.
	CopyState struct {
		Size       int64
		Root       []byte
		Checkpoint []byte
	}
	// CopyToken is an API token with the hash of its secret.
	CopyToken struct {
		ID        int64
		Name      string
		Role      string
		Hash      []byte
		CreatedAt time.Time
		RevokedAt *time.Time
	}
	// CopyRecord is the current row of a record.
	CopyRecord struct {
		Kind        string
		ID          int64
		Version     int
		CreatedAt   time.Time
		UpdatedAt   time.Time
		DeletedAt   *time.Time
		Protection  string
		ExternalKey string
		Data        []byte
	}
	// CopyVersion is one version of a record, with its salt and leaf.
	CopyVersion struct {
		Kind      string
		ID        int64
		Version   int
		Op        string
		Actor     string
		At        time.Time
		Reason    string
		Data      []byte
		Salt      []byte
		LeafIndex *int64
	}
	// CopyRef is one reference between records.
	CopyRef struct {
		ToKind   string
		ToID     int64
		FromKind string
		FromID   int64
	}
	// CopyLeaf is one encoded log leaf.
	CopyLeaf struct {
		Index int64
		Leaf  []byte
	}
	// CopyNode is one stored tree node.
	CopyNode struct {
		Level int
		Index int64
		Hash  []byte
	}
)
