package incident

// IsName reports whether s may name a person as the timeline and tasks
// name them (Event.Actor, Task.Owner): printable, one line, not padded,
// at most 200 bytes. Records kept beside incidents (package
// incident/process) hold their people to the same rule.
func IsName(s string) bool { return nameOK(s) }

// IsLine reports whether s is one line of UTF-8 without control
// characters.
func IsLine(s string) bool { return lineOK(s) }
