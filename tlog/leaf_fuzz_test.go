package tlog_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

func FuzzDecodeLeaf(f *testing.F) {
	f.Add([]byte(tlog.ExampleEncoding))
	f.Add([]byte(tlog.ExampleV3Encoding))
	f.Add([]byte("qantar-leaf/v3\n0\n2026-01-05T09:30:00.000000Z\nsystem\npersons\n1\n1\ncreate\nhmac-sha256 " + strings.Repeat("0", 64) + "\n"))
	f.Add([]byte("qantar-leaf/v3\n0\n2026-01-05T09:30:00.000000Z\ntoken:3\npersons\n1\n1\ncreate\nhmac-sha256 " + strings.Repeat("0", 64) + "\n"))
	for i := range uint64(8) {
		l, _, _ := tlogtest.SyntheticLeaf(i)
		enc, _ := l.Encode()
		f.Add(enc)
	}
	f.Add([]byte("qantar-leaf/v1\n\n\n\n\n\n\n\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := tlog.DecodeLeaf(b)
		if err != nil {
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("error %v has code %q", err, qantar.ErrorCode(err))
			}
			return
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatalf("decoded leaf does not encode: %v", err)
		}
		if l.Format == tlog.LeafV3 && l.Actor != tlog.ClassSystem && l.Actor != tlog.ClassEditor {
			t.Fatalf("a v3 leaf decoded with %q on line 4", l.Actor)
		}
		if !bytes.Equal(enc, b) {
			t.Fatalf("decoded %q but re-encodes as %q", b, enc)
		}
	})
}
