package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// ErrTampered marks evidence whose content is no longer what was taken
// in: its size or SHA-256 differ from those recorded at intake. Such
// content is evidence of nothing and must not be served as the evidence;
// errors.Is(err, ErrCustody) holds for it too.
var ErrTampered = errors.New("evidence content changed since intake")

// tamperedError is a content mismatch: a broken chain of custody that
// is also ErrTampered.
type tamperedError struct{ error }

func (e tamperedError) Is(target error) bool { return target == ErrTampered }
func (e tamperedError) Unwrap() error        { return e.error }

// CopyContent copies ev's content from r to w and reports whether it is
// what was taken in: ev.Size bytes whose SHA-256 is ev.SHA256. It reads
// at most one byte past ev.Size, so that content which grew is caught
// without reading all of it. On ErrTampered, w has received what was
// read, which must not be passed on as the evidence: copy to a private
// place first and release it only on success.
func (ev Evidence) CopyContent(w io.Writer, r io.Reader) error {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, ev.Size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", ev.label(), err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != ev.Size || sum != ev.SHA256 {
		// Over the limit, sum is of the first Size+1 bytes: still
		// different, which is all that matters.
		return tamperedError{fmt.Errorf("%w: %s: content does not match its SHA-256 taken at intake (%s, %d bytes; now %s, %d bytes)",
			ErrCustody, ev.label(), ev.SHA256, ev.Size, sum, n)}
	}
	return nil
}
