package mse

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorMessage: the input errors of the package, wrapped or not, and
// a model without an estimate, all carry a message for a person; other
// errors do not.
func TestErrorMessage(t *testing.T) {
	_, err := NewTable([]string{"A", "A"})
	if m, ok := Message(fmt.Errorf("reading: %w", err)); !ok || m != `list name "A" is used twice` {
		t.Errorf("Message = %q, %v", m, ok)
	}
	ne := &NotEstimableError{Model: "[1][2]", Status: NotIdentifiable, Detail: "no overlap"}
	if m, ok := Message(ne); !ok || m != ne.Error() || !errors.Is(ne, ErrNotIdentifiable) {
		t.Errorf("NotEstimableError: Message = %q, %v; Is(ErrNotIdentifiable) = %v", m, ok, errors.Is(ne, ErrNotIdentifiable))
	}
	if _, ok := Message(errors.New("disk on fire")); ok {
		t.Error("an error not of the package has a message for the user")
	}
}
