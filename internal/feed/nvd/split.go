package nvd

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
)

// Page is the envelope of one NVD CVE API 2.0 response. The 2.0 data
// feeds use the same envelope around a whole year.
// https://nvd.nist.gov/developers/vulnerabilities ("Response") and
// https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema
type Page struct {
	ResultsPerPage int `json:"resultsPerPage"`
	StartIndex     int `json:"startIndex"`
	// TotalResults is the size of the whole result set when NVD answered.
	// It can grow while a client pages through, as CVEs are published.
	TotalResults int    `json:"totalResults"`
	Format       string `json:"format"`  // "NVD_CVE"
	Version      string `json:"version"` // "2.0"
	// Timestamp is when NVD produced the response, in UTC without a zone:
	// "2023-11-10T07:37:10.823". See Time.
	Timestamp string `json:"timestamp"`

	// Count is the number of vulnerabilities the page held. It is counted,
	// not read: resultsPerPage is what NVD meant to send, and a client
	// should advance by what it got.
	Count int `json:"-"`
}

// Next returns the startIndex of the page after p, and false when p was
// the last one. It uses p's own TotalResults, so that a walk which started
// when the total was smaller still reaches CVEs added meanwhile.
func (p Page) Next() (int, bool) {
	next := p.StartIndex + p.Count
	return next, p.Count > 0 && next < p.TotalResults
}

// Time returns Timestamp as a time. A client that walked every page may
// use the first page's Time as the lastModStartDate of its next run: what
// changed while it was walking is then fetched again rather than missed.
func (p Page) Time() (time.Time, error) {
	if p.Timestamp == "" {
		return time.Time{}, fmt.Errorf("%w: timestamp: missing", feed.ErrFormat)
	}
	t, err := parseTime(p.Timestamp)
	if err != nil {
		return t, fmt.Errorf("%w: timestamp: %v", feed.ErrFormat, err)
	}
	return t, nil
}

// SplitAPI reads one API 2.0 response (or 2.0 feed) and calls yield with
// each vulnerability's id and its "cve" object, byte for byte as NVD sent
// it. It returns the page's envelope, which is complete only once the whole
// document has been read.
//
// Unlike Parse, SplitAPI stops at the first problem, including an element
// without a well-formed id: its caller stores what it is given and
// advances a watermark, and must not skip a CVE silently. The ids it
// yields are checked with advisory.ValidID, so they are safe as file
// names. An error returned by yield stops the walk and is returned as it
// is.
func SplitAPI(r io.Reader, yield func(id string, raw json.RawMessage) error) (Page, error) {
	var p Page
	d := newDocument(r)
	found := false
	err := d.object(func(key string) error {
		switch key {
		case "resultsPerPage":
			return d.value(key, &p.ResultsPerPage)
		case "startIndex":
			return d.value(key, &p.StartIndex)
		case "totalResults":
			return d.value(key, &p.TotalResults)
		case "version":
			return d.value(key, &p.Version)
		case "timestamp":
			return d.value(key, &p.Timestamp)
		case "format":
			if err := d.value(key, &p.Format); err != nil {
				return err
			}
			// The CPE and CPE Match APIs share the envelope; their
			// pages must not pass for an empty CVE page.
			if p.Format != "NVD_CVE" {
				return fmt.Errorf("%w: format: %q is not NVD_CVE", feed.ErrFormat, p.Format)
			}
			return nil
		case "vulnerabilities":
			found = true
			return d.array(key, func(i int, raw json.RawMessage) error {
				id, cve, err := splitItem(raw)
				if err != nil {
					err.Record = fmt.Sprintf("#%d", i+1)
					return err
				}
				p.Count++
				return yield(id, cve)
			})
		}
		return d.skip(key)
	})
	if err == nil && !found {
		err = fmt.Errorf("%w: no vulnerabilities array", feed.ErrFormat)
	}
	return p, err
}

// splitItem takes the cve object and its id out of one element.
func splitItem(raw json.RawMessage) (string, json.RawMessage, *feed.RecordError) {
	var it struct {
		CVE json.RawMessage `json:"cve"`
	}
	if err := json.Unmarshal(raw, &it); err != nil {
		return "", nil, feed.Errorf("", "", "not an object")
	}
	var c struct {
		ID string `json:"id"`
	}
	if len(it.CVE) == 0 || string(it.CVE) == "null" {
		return "", nil, feed.Errorf("", "cve", "missing")
	}
	if err := json.Unmarshal(it.CVE, &c); err != nil {
		return "", nil, feed.Errorf("", "cve", "not an object with a string id")
	}
	if err := checkID(c.ID, "cve.id"); err != nil {
		return "", nil, err.(*feed.RecordError)
	}
	return c.ID, it.CVE, nil
}
