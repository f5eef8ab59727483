// Package audit is vmc's append-only record of decisions: who changed what,
// when, from what to what, and why. Entries form a hash chain: each entry's
// hash covers its content and the hash of the entry before it, so altering,
// inserting or deleting an entry anywhere but at the very end breaks every
// hash after it. Verify walks a chain and names the first entry that does
// not hold. Deleting entries from the end leaves a shorter valid chain; the
// head hash Verify returns is what an operator records elsewhere (a ticket,
// a signed report) to detect that too.
//
// This package knows nothing of storage: the store assigns sequence
// numbers and links entries with Link as it appends them.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Entry is one recorded decision.
type Entry struct {
	// Seq numbers entries from 1 without gaps.
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	// Actor is the user, token or "system" (automatic re-assessment,
	// re-scans, expiring acceptances) that made the decision.
	Actor string `json:"actor"`
	// Action names the decision: "finding.state", "finding.assign",
	// "acceptance.create", "policy.update", ...
	Action string `json:"action"`
	// Object names what the decision is about: "finding:42", "policy:prod".
	Object string `json:"object"`
	// Before and After are the object's relevant fields as JSON, either
	// empty when the object did not exist before or does not after.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	Reason string          `json:"reason,omitempty"`
	// Prev is the hash of the entry before (empty for the first); Hash is
	// this entry's.
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// Precision is the resolution times are kept at: PostgreSQL keeps
// microseconds, so a nanosecond in the hash would not survive a round
// trip.
const Precision = time.Microsecond

// Link makes e the entry after prev (nil for the first): it sets Seq,
// Prev, the time's precision, and Hash.
func Link(e Entry, prev *Entry) Entry {
	e.Seq, e.Prev = 1, ""
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	e.At = e.At.UTC().Truncate(Precision)
	e.Before, e.After = compact(e.Before), compact(e.After)
	e.Hash = e.sum()
	return e
}

// compact gives JSON one spelling, so that a store that re-encodes it
// (PostgreSQL's jsonb would) cannot change the hash. Invalid JSON is kept
// as it is: it is hashed as bytes and still detected if altered.
func compact(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// sum hashes every field but Hash, each length-prefixed so that no shift
// of bytes between fields gives the same input.
func (e Entry) sum() string {
	h := sha256.New()
	for _, f := range []string{
		fmt.Sprint(e.Seq), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object,
		string(e.Before), string(e.After), e.Reason, e.Prev,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrBroken marks a chain that does not verify.
var ErrBroken = errors.New("audit chain broken")

// Verify walks entries in sequence order and checks each one's number,
// link and hash. It returns how many entries it checked and the hash of
// the last, or an error wrapping ErrBroken naming the first entry that
// fails (or the error the sequence yielded).
func Verify(entries iter.Seq2[Entry, error]) (n int64, head string, err error) {
	var prev *Entry
	for e, err := range entries {
		if err != nil {
			return n, head, err
		}
		wantSeq, wantPrev := int64(1), ""
		if prev != nil {
			wantSeq, wantPrev = prev.Seq+1, prev.Hash
		}
		switch {
		case e.Seq != wantSeq:
			return n, head, fmt.Errorf("%w: entry %d follows entry %d (entries missing or reordered)", ErrBroken, e.Seq, wantSeq-1)
		case e.Prev != wantPrev:
			return n, head, fmt.Errorf("%w: entry %d: prev hash %.12s… is not entry %d's hash %.12s…", ErrBroken, e.Seq, e.Prev, e.Seq-1, wantPrev)
		}
		e.Before, e.After = compact(e.Before), compact(e.After)
		if got := e.sum(); got != e.Hash {
			return n, head, fmt.Errorf("%w: entry %d (%s %s at %s): content does not match its hash", ErrBroken, e.Seq, e.Action, e.Object, e.At.UTC().Format(time.RFC3339))
		}
		n, head = n+1, e.Hash
		p := e
		prev = &p
	}
	return n, head, nil
}
