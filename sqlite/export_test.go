package sqlite

// SetFailGroup lets tests fail group commits (see failGroup).
func SetFailGroup(f func(writes int) error) { failGroup = f }
