package tlog_test

import (
	"bytes"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

func FuzzDecodeLeaf(f *testing.F) {
	f.Add([]byte(tlog.ExampleEncoding))
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
		if !bytes.Equal(enc, b) {
			t.Fatalf("decoded %q but re-encodes as %q", b, enc)
		}
	})
}
