package postgres_test

import (
	"testing"

	"github.com/qantar-project/qantar/storetest"
)

func TestGetPrepared(t *testing.T) { storetest.Prepared(t, open(t)) }
