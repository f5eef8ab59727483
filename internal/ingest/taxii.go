package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

// stixBatch is how many objects one transaction adds.
const stixBatch = 1000

// ImportSTIX adds the objects of a STIX bundle (or TAXII envelope) to a
// collection, one transaction per batch. Objects that cannot be read are
// reported in the statuses' failures, naming the file and index; the rest
// go in.
func ImportSTIX(ctx context.Context, s store.TAXII, collection, name string, r io.Reader, actor string) ([]taxii.Status, error) {
	var (
		out      []taxii.Status
		objs     []stix.Object
		failures []taxii.Detail
	)
	flush := func() error {
		if len(objs) == 0 && len(failures) == 0 {
			return nil
		}
		st, err := s.AddSTIX(ctx, collection, objs, nil, failures, actor)
		if err != nil {
			return err
		}
		out = append(out, st)
		objs, failures = nil, nil
		return nil
	}
	for o, err := range stix.Objects(name, r) {
		if err != nil {
			if oe := (*stix.ObjectError)(nil); !errors.As(err, &oe) {
				return out, err // the document is no bundle, or breaks off
			}
			failures = append(failures, taxii.Detail{Message: err.Error()})
			continue
		}
		if objs = append(objs, o); len(objs) == stixBatch {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	return out, flush()
}

// LoadTAXII creates the API roots and collections of reference data (see
// taxii.ReadReference) and adds their objects as dated there. It returns
// how many object versions it read.
func LoadTAXII(ctx context.Context, s store.TAXII, roots []taxii.RootData, actor string) (int, error) {
	n := 0
	for _, rd := range roots {
		if err := s.PutAPIRoot(ctx, rd.Root, actor); err != nil {
			return n, err
		}
		for _, cd := range rd.Collections {
			if err := s.PutCollection(ctx, cd.Collection, actor); err != nil {
				return n, err
			}
			if len(cd.Objects) == 0 {
				continue
			}
			if _, err := s.AddSTIX(ctx, cd.Collection.ID, cd.Objects, cd.DateAdded, nil, actor); err != nil {
				return n, fmt.Errorf("collection %s: %w", cd.Collection.ID, err)
			}
			n += len(cd.Objects)
		}
	}
	return n, nil
}
