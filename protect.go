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

// Resolver finds another record, for the protection rules that depend on it.
type Resolver func(kind Kind, id int64) (Record, error)

// VisibleWith is Visible, extended to records that speak about a person: for
// a person the reader may not see, what a source says of them and how they
// were harmed is as identifying as their name. So a citation of such a person
// (or of their act) loses its quote, page, time code, archive and field, and
// their act loses its free-text description, method and checklist notes;
// both stay, so that they are still counted. A person who cannot be looked up
// is treated as hidden.
func VisibleWith(reader Actor, rec Record, resolve Resolver) Record {
	rec = Visible(reader, rec)
	if reader.CanSee(Confidential) {
		return rec
	}
	hidden := func(personID int64) bool {
		p, err := resolve(KindPerson, personID)
		return err != nil || IsPlaceholder(Visible(reader, p))
	}
	switch r := rec.(type) {
	case *Citation:
		victim := int64(0)
		switch r.RecordKind {
		case KindPerson:
			victim = r.RecordID
		case KindAct:
			a, err := resolve(KindAct, r.RecordID)
			if err != nil {
				victim = -1
			} else if act, ok := a.(*Act); ok {
				victim = act.VictimID
			}
		}
		if victim != 0 && (victim < 0 || hidden(victim)) {
			c := *r
			c.Quote, c.Page, c.TimeCode, c.ArchiveURL, c.Field = "", "", "", "", ""
			return &c
		}
	case *Act:
		if hidden(r.VictimID) {
			a := *r
			a.Description, a.Method = nil, ""
			a.Minnesota = append([]ChecklistAnswer(nil), r.Minnesota...)
			for i := range a.Minnesota {
				a.Minnesota[i].Note = ""
			}
			return &a
		}
	}
	return rec
}
