package qantar

// ProtectedName is shown in place of a person the reader may not see.
const ProtectedName = "Protected person"

// Protection returns the protection level of any record: a person's own
// level; public for every other kind.
func Protection(rec Record) string {
	if p, ok := rec.(*Person); ok {
		return p.ProtectionLevel()
	}
	return Public
}

// Visible returns rec as the reader may see it: the record itself, or, for a
// person the reader may not see, a placeholder that keeps only the id and
// version so that their acts are still counted, with no identifying field.
// Every path that shows a record to someone goes through this function.
func Visible(reader Actor, rec Record) Record {
	p, ok := rec.(*Person)
	if !ok || reader.CanSee(p.ProtectionLevel()) {
		return rec
	}
	return &Person{
		Meta:       Meta{ID: p.ID, Version: p.Version},
		Names:      []Name{{Value: ProtectedName}},
		Protection: p.ProtectionLevel(),
	}
}

// IsPlaceholder reports whether rec is a placeholder made by Visible.
func IsPlaceholder(rec Record) bool {
	p, ok := rec.(*Person)
	return ok && p.CreatedAt.IsZero() && len(p.Names) == 1 && p.Names[0].Value == ProtectedName && p.ProtectionLevel() != Public
}
