package jsonstream

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed"
)

// FuzzReader walks arbitrary bytes with Object, Array, Raw and More. No
// walk may panic, every error must locate as a *feed.RecordError wrapping
// feed.ErrFormat (the input is in memory, so no read can fail), what Raw
// returns must be one JSON value the value functions accept without
// panicking, and First must agree with HeadStart.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x"],"c":{"d":-1.5e3}}`,
		`[{"id":"CVE-1","cvss":{"scores":[7.5]}},[],null]`,
		"{\"a\":1}\n{\"a\":2}\n",
		"\xef\xbb\xbf {\"SchemaVersion\":2,\"Results\":[]}",
		`{"a":1} x`, `[1,tru]`, `{"a" 1}`, `[NaN]`, `"s"`, `null`, ``, `{"a":[1,`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, in, err := First(bytes.NewReader(data))
		switch {
		case err == io.EOF:
			if h := HeadStart(data); h != 0 {
				t.Fatalf("First found nothing, HeadStart %q", h)
			}
		case err != nil:
			t.Fatalf("First: %v", err)
		case HeadStart(data) != c:
			t.Fatalf("First = %q, HeadStart %q", c, HeadStart(data))
		}
		if err == nil {
			check(t, walkAny(NewReader(in), 0))
		}
		for _, w := range []func(*Reader) error{
			func(r *Reader) error { return r.Object(func(string) error { return walkAny(r, 1) }) },
			func(r *Reader) error { return r.Array(func(int) error { return walkAny(r, 1) }) },
			func(r *Reader) error { return rawValue(r) },
			func(r *Reader) error {
				for r.More() {
					if err := rawValue(r); err != nil {
						return err
					}
				}
				return nil
			},
		} {
			r := NewReader(bytes.NewReader(data))
			err := w(r)
			if err == nil {
				err = r.End()
			}
			check(t, err)
		}
	})
}

// walkAny reads the next value as an object, an array or a raw value,
// chosen by depth, so that the walk goes down into the document and meets
// the kinds it did not expect.
func walkAny(r *Reader, depth int) error {
	if depth > 20 {
		return r.Skip()
	}
	switch depth % 3 {
	case 0:
		return r.Object(func(string) error { return walkAny(r, depth+1) })
	case 1:
		return r.Array(func(int) error { return walkAny(r, depth+1) })
	}
	return rawValue(r)
}

// rawValue reads a value with Raw and hands it to the value functions.
func rawValue(r *Reader) error {
	raw, err := r.Raw()
	if err != nil {
		return err
	}
	if KindOf(raw) == "nothing" {
		return errors.New("Raw returned no value")
	}
	StringList(raw)
	var v any
	if err := Unmarshal(raw, &v); err != nil {
		return errors.New("Raw returned a value that does not decode: " + err.Error())
	}
	if s, ok := v.(string); ok {
		ParseScore(s)
		ParseTime(s)
	}
	return nil
}

func check(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	err = Located(err, "doc", "")
	var re *feed.RecordError
	if !errors.As(err, &re) || !errors.Is(err, feed.ErrFormat) {
		t.Fatalf("error %v is not a *feed.RecordError wrapping feed.ErrFormat", err)
	}
}
