package store

import (
	"context"

	"github.com/vmc-dev/vmc/internal/ident"
)

// Identifiers keeps vmc's own vulnerability identifiers (package ident).
// Every write is in the audit log as actor's in the same transaction,
// under the object "identifier:<id>".
//
// Allocation is collision-free however many allocators run at once, in
// one process or in several vmc processes on one database: each
// namespace and year has a counter row that one statement increments and
// reads (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), which the
// database serialises, and the identifier is unique besides. A number,
// once handed out, is never handed out again, even when its transaction
// fails later.
type Identifiers interface {
	// ReserveIdentifier allocates the next identifier of a's namespace
	// for year and keeps it reserved, with title.
	ReserveIdentifier(ctx context.Context, a ident.Authority, year int, title, actor string) (ident.Identifier, error)
	// Identifier returns the identifier known by id or any of its
	// aliases, matched case-insensitively.
	Identifier(ctx context.Context, id string) (ident.Identifier, error)
	// ListIdentifiers returns the identifiers q selects, newest first.
	ListIdentifiers(ctx context.Context, q IdentifierQuery) ([]ident.Identifier, error)
	// MoveIdentifier publishes or rejects an identifier (ident.Move).
	// A published identifier (and one rejected after it was published)
	// is then written as a record of source "vmc" (ident.Identifier.
	// Record), in a transaction of its own after the identifier's, so
	// that it resolves and exports like any vulnerability id; a failure
	// there is returned, and any later change of the identifier writes
	// the record again.
	MoveIdentifier(ctx context.Context, id string, m ident.Move, actor string) (ident.Identifier, error)
	// AddIdentifierAlias adds an id assigned later (a CVE); an alias
	// belongs to one identifier only. Adding one an identifier already
	// has changes nothing but writes its record again.
	AddIdentifierAlias(ctx context.Context, id, alias, actor string) (ident.Identifier, error)
}

// IdentifierQuery selects identifiers. The zero value lists every one.
type IdentifierQuery struct {
	State     ident.State
	Namespace string
	// Limit caps the result; 0 means 1000.
	Limit int
}
