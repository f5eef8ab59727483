package jsonstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
)

// A walk reads a document with a Reader and says what it saw.
type walk func(r *Reader) ([]string, error)

// members reads an object, each value whole.
func members(r *Reader) ([]string, error) {
	var got []string
	err := r.Object(func(key string) error {
		raw, err := r.Raw()
		got = append(got, key+"="+string(raw))
		return err
	})
	return got, err
}

// elements reads an array, each element whole.
func elements(r *Reader) ([]string, error) {
	var got []string
	err := r.Array(func(i int) error {
		raw, err := r.Raw()
		got = append(got, fmt.Sprintf("[%d]=%s", i, raw))
		return err
	})
	return got, err
}

// nested reads an object of arrays, skipping members named "skip".
func nested(r *Reader) ([]string, error) {
	var got []string
	err := r.Object(func(key string) error {
		if key == "skip" {
			return r.Skip()
		}
		return r.Array(func(i int) error {
			raw, err := r.Raw()
			got = append(got, fmt.Sprintf("%s[%d]=%s", key, i, raw))
			return err
		})
	})
	return got, err
}

// lines reads values one after another, as in JSON Lines.
func lines(r *Reader) ([]string, error) {
	var got []string
	for r.More() {
		raw, err := r.Raw()
		if err != nil {
			return got, err
		}
		got = append(got, string(raw))
	}
	return got, nil
}

// decoded decodes each element of an array into a record.
func decoded(r *Reader) ([]string, error) {
	var got []string
	err := r.Array(func(i int) error {
		var v struct {
			ID   string `json:"id"`
			CVSS struct {
				Scores []float64 `json:"scores"`
			} `json:"cvss"`
		}
		if err := r.Decode(&v); err != nil {
			return Located(err, fmt.Sprintf("[%d]", i), "")
		}
		got = append(got, fmt.Sprintf("%s %v", v.ID, v.CVSS.Scores))
		return nil
	})
	return got, err
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		walk walk
		want []string
		// err is the error of the walk or of End, located as the
		// record "doc" unless the walk located it.
		err string
	}{
		{name: "object", doc: ` {"a": 1, "b":"x", "c":{"d":[null]}} `, walk: members,
			want: []string{"a=1", `b="x"`, `c={"d":[null]}`}},
		{name: "empty object", doc: `{}`, walk: members},
		{name: "null object", doc: `null`, walk: members},
		{name: "array", doc: "[1,\n{\"a\":2},\tnull, \"s\"]", walk: elements,
			want: []string{"[0]=1", `[1]={"a":2}`, "[2]=null", `[3]="s"`}},
		{name: "empty array", doc: `[]`, walk: elements},
		{name: "null array", doc: `null`, walk: elements},
		{name: "object of arrays", doc: `{"a":[1,2],"skip":{"x":[3]},"b":[],"c":null}`, walk: nested,
			want: []string{"a[0]=1", "a[1]=2"}},
		{name: "JSON Lines", doc: "{\"a\":1}\n{\"a\":2}\n\n", walk: lines,
			want: []string{`{"a":1}`, `{"a":2}`}},
		{name: "decoded records", doc: `[{"id":"CVE-1","cvss":{"scores":[7.5]}},{"id":"CVE-2"}]`, walk: decoded,
			want: []string{"CVE-1 [7.5]", "CVE-2 []"}},

		{name: "object wanted, array found", doc: `[1]`, walk: members,
			err: "doc: malformed input: got JSON array, want object"},
		{name: "object wanted, string found", doc: `"x"`, walk: members,
			err: "doc: malformed input: got JSON string, want object"},
		{name: "object wanted, number found", doc: `12`, walk: members,
			err: "doc: malformed input: got JSON number, want object"},
		{name: "object wanted, boolean found", doc: `false`, walk: members,
			err: "doc: malformed input: got JSON boolean, want object"},
		{name: "array wanted, object found", doc: `{"a":1}`, walk: elements,
			err: "doc: malformed input: got JSON object, want array"},
		{name: "array wanted inside an object, string found", doc: `{"a":[1],"b":"x"}`, walk: nested, want: []string{"a[0]=1"},
			err: "doc: malformed input: got JSON string, want array"},
		{name: "trailing garbage", doc: `{"a":1} x`, walk: members, want: []string{"a=1"},
			err: "doc: malformed input: data after the report at byte 8"},
		{name: "second document", doc: `[1] [2]`, walk: elements, want: []string{"[0]=1"},
			err: "doc: malformed input: data after the report at byte 5"},
		{name: "truncated object", doc: `{"a":1,`, walk: members, want: []string{"a=1"},
			err: "doc: malformed input: truncated: unexpected end of input"},
		{name: "truncated value", doc: `{"a":[1,`, walk: members, want: []string{"a="},
			err: "doc: malformed input: truncated: unexpected end of input"},
		{name: "empty input", doc: ``, walk: members,
			err: "doc: malformed input: truncated: unexpected end of input"},
		{name: "invalid value", doc: `[1,tru]`, walk: elements, want: []string{"[0]=1", "[1]="},
			err: "doc: malformed input: invalid JSON after byte 3: invalid character ']' in literal true (expecting 'e')"},
		{name: "invalid structure", doc: `{"a" 1}`, walk: members, want: []string{"a="},
			err: "doc: malformed input: invalid JSON after byte 5: expected colon after object key"},
		{name: "NaN literal", doc: `[NaN]`, walk: elements, want: []string{"[0]="},
			err: "doc: malformed input: invalid JSON after byte 1: invalid character 'N' looking for beginning of value"},
		{name: "not JSON Lines", doc: "{\"a\":1}\n]", walk: lines, want: []string{`{"a":1}`},
			err: "doc: malformed input: data after the report at byte 8"},
		{name: "field of the wrong type", doc: `[{"id":"CVE-1","cvss":{"scores":[7.5,"high"]}}]`, walk: decoded,
			err: "[0]: cvss.scores[1]: malformed input: got JSON string, want number"},
		{name: "record of the wrong type", doc: `[{"id":"CVE-1"},[]]`, walk: decoded, want: []string{"CVE-1 []"},
			err: "[1]: malformed input: got JSON array, want object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.doc))
			got, err := tt.walk(r)
			if err == nil {
				err = r.End()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("walk (-want +got):\n%s", diff)
			}
			err = Located(err, "doc", "")
			if tt.err == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.err)
			}
			if diff := cmp.Diff(tt.err, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			var re *feed.RecordError
			if !errors.As(err, &re) || !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error %v is not a *feed.RecordError wrapping feed.ErrFormat", err)
			}
		})
	}
}

// filler is an endless run of one byte.
type filler byte

func (f filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// TestBound checks both halves of the memory bound: one value over it is
// refused, and a document over it made of values under it is read.
func TestBound(t *testing.T) {
	if testing.Short() {
		t.Skip("reads over 64 MiB")
	}
	t.Run("one value over the bound", func(t *testing.T) {
		doc := io.MultiReader(strings.NewReader(`{"big":"`), io.LimitReader(filler('a'), maxValue), strings.NewReader(`"}`))
		got, err := members(NewReader(doc))
		if diff := cmp.Diff([]string{"big="}, got); diff != "" {
			t.Errorf("walk (-want +got):\n%s", diff)
		}
		want := "doc: malformed input: value larger than 64 MiB"
		if err := Located(err, "doc", ""); err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
	})
	t.Run("many values under the bound", func(t *testing.T) {
		const n = 65
		value := `"` + strings.Repeat("a", 1<<20) + `",`
		doc := io.MultiReader(strings.NewReader("["), io.LimitReader(&repeat{s: value}, int64(n*len(value))), strings.NewReader(`""]`))
		r := NewReader(doc)
		count := 0
		err := r.Array(func(int) error {
			count++
			return r.Skip()
		})
		if err == nil {
			err = r.End()
		}
		if err != nil || count != n+1 {
			t.Errorf("read %d values, error %v; want %d, no error", count, err, n+1)
		}
	})
}

// repeat is s over and over.
type repeat struct {
	s   string
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

// failing fails after handing out its data.
type failing struct{ data []byte }

func (r *failing) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A failure of the reader under the document is located, but it is no
// fault of the document.
func TestReadError(t *testing.T) {
	tests := []struct {
		doc  string
		walk walk
		want string
	}{
		{doc: `{"a":`, walk: members, want: "doc: f: read: disk on fire"},
		{doc: `[1,`, walk: elements, want: "doc: f: read: disk on fire"},
		{doc: `[{"id":"CVE-1"},`, walk: decoded, want: "[1]: read: disk on fire"},
	}
	for _, tt := range tests {
		_, err := tt.walk(NewReader(&failing{data: []byte(tt.doc)}))
		if err == nil {
			err = fmt.Errorf("walk of %q did not fail", tt.doc)
		}
		err = Located(err, "doc", "f")
		var re *feed.RecordError
		if err == nil || !errors.As(err, &re) || errors.Is(err, feed.ErrFormat) || err.Error() != tt.want {
			t.Errorf("%q: error %v; want %q, not wrapping feed.ErrFormat", tt.doc, err, tt.want)
		}
	}
}

func TestFirstReadError(t *testing.T) {
	_, _, err := First(&failing{data: []byte(" \n")})
	err = Located(err, "doc", "")
	if err == nil || errors.Is(err, feed.ErrFormat) || err.Error() != "doc: read: disk on fire" {
		t.Errorf("error %v; want doc: read: disk on fire, not wrapping feed.ErrFormat", err)
	}
}

func TestLocated(t *testing.T) {
	located := feed.Errorf("r0", "f0", "first")
	tests := []struct {
		name          string
		err           error
		record, field string
		want          string // "" for no error
		format        bool   // whether it wraps feed.ErrFormat
	}{
		{name: "no error"},
		{name: "plain error", err: errors.New("boom"), record: "r", field: "f", want: "r: f: malformed input: boom", format: true},
		{name: "no field", err: errors.New("boom"), record: "r", want: "r: malformed input: boom", format: true},
		{name: "neither record nor field", err: errors.New("boom"), want: "malformed input: boom", format: true},
		{name: "field path appended", err: &FieldError{Path: "nvd.V3Score", Err: errors.New("bad")}, record: "r", field: "CVSS",
			want: "r: CVSS.nvd.V3Score: malformed input: bad", format: true},
		{name: "index appended", err: &FieldError{Path: "[2].b", Err: errors.New("bad")}, record: "r", field: "a",
			want: "r: a[2].b: malformed input: bad", format: true},
		{name: "field path alone", err: &FieldError{Path: "a.b", Err: errors.New("bad")}, record: "r",
			want: "r: a.b: malformed input: bad", format: true},
		{name: "empty field path", err: &FieldError{Err: errors.New("bad")}, record: "r", field: "a",
			want: "r: a: malformed input: bad", format: true},
		{name: "field error wrapped", err: fmt.Errorf("ctx: %w", &FieldError{Path: "x", Err: errors.New("bad")}), record: "r", field: "a",
			want: "r: a.x: malformed input: bad", format: true},
		{name: "already located", err: located, record: "r", field: "f", want: "r0: f0: malformed input: first", format: true},
		{name: "read error", err: &readError{errors.New("EIO")}, record: "r", field: "f", want: "r: f: read: EIO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Located(tt.err, tt.record, tt.field)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Located = %v, want nil", err)
				}
				return
			}
			var re *feed.RecordError
			if err == nil || !errors.As(err, &re) {
				t.Fatalf("Located = %v, want a *feed.RecordError", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := errors.Is(err, feed.ErrFormat); got != tt.format {
				t.Errorf("errors.Is(err, feed.ErrFormat) = %v, want %v", got, tt.format)
			}
		})
	}
}

func TestUnmarshal(t *testing.T) {
	type rec struct {
		ID   string `json:"id"`
		Refs []struct {
			URL string `json:"url"`
		} `json:"refs"`
		Score float64 `json:"score"`
	}
	tests := []struct {
		name string
		raw  string
		want rec
		err  string
	}{
		{name: "record", raw: `{"id":"CVE-1","refs":[{"url":"u"}],"score":7.5}`, want: rec{ID: "CVE-1", Refs: []struct {
			URL string `json:"url"`
		}{{URL: "u"}}, Score: 7.5}},
		{name: "unknown fields ignored", raw: `{"id":"CVE-1","x":[1]}`, want: rec{ID: "CVE-1"}},
		{name: "wrong type at the top", raw: `"CVE-1"`, err: ": got JSON string, want object"},
		{name: "wrong type in a member", raw: `{"score":"7.5"}`, err: "score: got JSON string, want number"},
		{name: "wrong type in an array", raw: `{"refs":[{"url":"u"},{"url":7}]}`, err: "refs[1].url: got JSON number, want string"},
		{name: "not JSON", raw: `{"id":}`, err: "invalid character '}' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got rec
			err := Unmarshal(json.RawMessage(tt.raw), &got)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFirst(t *testing.T) {
	tests := []struct {
		name string
		in   string
		c    byte
		rest string // what the returned reader holds
		eof  bool
	}{
		{name: "object", in: `{"a":1}`, c: '{', rest: `{"a":1}`},
		{name: "white space", in: " \t\r\n[1]", c: '[', rest: "[1]"},
		{name: "byte order mark", in: "\xef\xbb\xbf\n{}", c: '{', rest: "{}"},
		{name: "byte order mark alone", in: "\xef\xbb\xbf", eof: true},
		{name: "two byte order marks", in: "\xef\xbb\xbf\xef\xbb\xbf{}", c: 0xef, rest: "\xef\xbb\xbf{}"},
		{name: "other white space is data", in: "\v{}", c: '\v', rest: "\v{}"},
		{name: "empty", in: "", eof: true},
		{name: "white space only", in: " \n\n ", eof: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r, err := First(strings.NewReader(tt.in))
			if tt.eof {
				if err != io.EOF {
					t.Errorf("error %v, want io.EOF", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if rest, _ := io.ReadAll(r); c != tt.c || string(rest) != tt.rest {
				t.Errorf("First = %q, %q; want %q, %q", c, rest, tt.c, tt.rest)
			}
			if got := HeadStart([]byte(tt.in)); got != tt.c {
				t.Errorf("HeadStart = %q, want %q", got, tt.c)
			}
		})
	}
}

func TestScore(t *testing.T) {
	tests := []struct {
		in   float64
		want float64
		err  string
	}{
		{in: 0, want: 0},
		{in: 7.5, want: 7.5},
		{in: 10, want: 10},
		{in: -0.1, err: "score -0.1 outside 0 to 10"},
		{in: 10.01, err: "score 10.01 outside 0 to 10"},
		{in: 75, err: "score 75 outside 0 to 10"},
		{in: math.NaN(), err: "score NaN outside 0 to 10"},
		{in: math.Inf(1), err: "score +Inf outside 0 to 10"},
		{in: math.Inf(-1), err: "score -Inf outside 0 to 10"},
	}
	for _, tt := range tests {
		got, err := Score(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Score(%v) error %v, want %q", tt.in, err, tt.err)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("Score(%v) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseScore(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  string
	}{
		{in: "7.5", want: 7.5},
		{in: " 9.8\n", want: 9.8},
		{in: "0", want: 0},
		{in: "1e1", want: 10},
		{in: "", err: `score "" is not a number`},
		{in: "high", err: `score "high" is not a number`},
		{in: "7,5", err: `score "7,5" is not a number`},
		{in: "1e999", err: `score "1e999" is not a number`},
		{in: "NaN", err: "score NaN outside 0 to 10"},
		{in: "Inf", err: "score +Inf outside 0 to 10"},
		{in: "-1", err: "score -1 outside 0 to 10"},
		{in: "98", err: "score 98 outside 0 to 10"},
	}
	for _, tt := range tests {
		got, err := ParseScore(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseScore(%q) error %v, want %q", tt.in, err, tt.err)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("ParseScore(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestStringList(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
		err  string
	}{
		{raw: ``},
		{raw: `null`},
		{raw: `""`},
		{raw: `[]`, want: []string{}},
		{raw: `"CVE-1"`, want: []string{"CVE-1"}},
		{raw: ` "CVE-1" `, want: []string{"CVE-1"}},
		{raw: `["CVE-1","CVE-2"]`, want: []string{"CVE-1", "CVE-2"}},
		{raw: `["CVE-1",null]`, want: []string{"CVE-1", ""}},
		{raw: `7`, err: "got JSON number, want string or array of strings"},
		{raw: `{"a":"b"}`, err: "got JSON object, want string or array of strings"},
		{raw: `true`, err: "got JSON boolean, want string or array of strings"},
		{raw: `["CVE-1",2]`, err: "[1]: got JSON number, want string"},
		{raw: `[["CVE-1"]]`, err: "[0]: got JSON array, want string"},
	}
	for _, tt := range tests {
		got, err := StringList(json.RawMessage(tt.raw))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("StringList(%s) error %v, want %q", tt.raw, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("StringList(%s): %v", tt.raw, err)
		} else if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("StringList(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct{ raw, want string }{
		{``, "nothing"},
		{" \n", "nothing"},
		{`{}`, "object"},
		{` [1]`, "array"},
		{`"s"`, "string"},
		{`true`, "boolean"},
		{`false`, "boolean"},
		{`null`, "null"},
		{`-1.5`, "number"},
		{`0`, "number"},
	}
	for _, tt := range tests {
		if got := KindOf(json.RawMessage(tt.raw)); got != tt.want {
			t.Errorf("KindOf(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "", want: time.Time{}},
		{in: "2024-05-01T10:20:30Z", want: time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{in: "2024-05-01T10:20:30.123456789+02:00", want: time.Date(2024, 5, 1, 8, 20, 30, 123456789, time.UTC)},
		{in: "2024-05-01 10:20:30+00:00", want: time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{in: "2024-05-01T10:20:30.5", want: time.Date(2024, 5, 1, 10, 20, 30, 500000000, time.UTC)},
		{in: "2024-05-01 10:20:30", want: time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		{in: "0001-01-01T00:00:00Z", want: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{in: "yesterday", err: `not a timestamp: "yesterday"`},
		{in: "2024-05-01", err: `not a timestamp: "2024-05-01"`},
		{in: "2024-13-01T00:00:00Z", err: `not a timestamp: "2024-13-01T00:00:00Z"`},
		{in: "0000-06-01T00:00:00Z", err: `not a timestamp: "0000-06-01T00:00:00Z"`},
		{in: "0001-01-01T00:30:00+01:00", err: `not a timestamp: "0001-01-01T00:30:00+01:00"`},
		{in: "9999-12-31T23:30:00-01:00", err: `not a timestamp: "9999-12-31T23:30:00-01:00"`},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseTime(%q) error %v, want %q", tt.in, err, tt.err)
			}
		} else if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
