package csafprovider

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/publish"
)

// Paths in the tree, relative to the site root.
const (
	// Root is the provider's folder (CSAF 2.0 7.1.9).
	Root = ".well-known/csaf/"
	// MetadataPath is the provider metadata (7.1.7).
	MetadataPath = Root + "provider-metadata.json"
	// SecurityTxtPath is security.txt (7.1.8), written only by static
	// builds that are given a contact: `vmc serve` has its own.
	SecurityTxtPath = ".well-known/security.txt"
	whiteDir        = Root + "white/"
	feedName        = "csaf-feed-tlp-white.json"
	categoryName    = "category-white.json"
	serviceName     = "service.json"
)

// Media types of the files.
const (
	TypeJSON = "application/json"
	TypeText = "text/plain; charset=utf-8"
	TypeCSV  = "text/csv; charset=utf-8"
	TypeHTML = "text/html; charset=utf-8"
	TypePGP  = "application/pgp-keys"
	TypeSig  = "application/pgp-signature"
)

// File is one file of the tree.
type File struct {
	Body []byte
	Type string
}

// Tree is the provider's files by path relative to the site root; a
// directory's listing is the entry of its path with a trailing slash.
type Tree struct {
	Files map[string]File
	// Documents are the published documents' tracking ids, newest
	// change first.
	Documents []string
}

// Entry is one document to publish, written and signed.
type Entry struct {
	ID       string
	Title    string
	Body     []byte
	Sig      []byte
	Initial  time.Time
	Current  time.Time
	fileName string
}

// Site is what the tree says about where and by whom it is published.
type Site struct {
	// BaseURL is the https address of the site root
	// (https://vmc.example.cn); every URL in the tree starts with it.
	BaseURL   string
	Publisher publish.Publisher
	// Fingerprint and PublicKey are the signing key's.
	Fingerprint string
	PublicKey   []byte
	// SecurityTxt, when it has a contact, is written with a CSAF field
	// naming provider-metadata.json.
	SecurityTxt disclosure.SecurityTxt
	// Now is the tree's time when it lists no document: the last build
	// that changed something.
	Now time.Time
	// SecurityTxtNow dates security.txt's expiry; zero is Now.
	SecurityTxtNow time.Time
}

func (s Site) url(p string) string { return strings.TrimSuffix(s.BaseURL, "/") + "/" + p }

// entryPath is where an entry lives: the folder of its initial release's
// year (7.1.11), its file name from its id (5.1).
func entryPath(e Entry) string {
	return fmt.Sprintf("%s%d/%s", whiteDir, e.Initial.UTC().Year(), e.fileName)
}

// makeTree lays out the provider for entries.
func makeTree(site Site, entries []Entry) (*Tree, error) {
	if !strings.HasPrefix(site.BaseURL, "https://") {
		return nil, fmt.Errorf("csaf provider: the base URL %q is not https (CSAF 2.0 7.1.3)", site.BaseURL)
	}
	t := &Tree{Files: map[string]File{}}
	// Newest change first: changes.csv must be in that order (7.1.13),
	// and the feed reads best so.
	entries = slices.Clone(entries)
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].Current.Equal(entries[j].Current) {
			return entries[i].Current.After(entries[j].Current)
		}
		return entries[i].ID < entries[j].ID
	})
	updated := time.Time{}
	var index, feedEntries []any
	var changes bytes.Buffer
	cw := csv.NewWriter(&changes)
	for _, e := range entries {
		p := entryPath(e)
		rel := strings.TrimPrefix(p, whiteDir)
		s256, s512 := sha256.Sum256(e.Body), sha512.Sum512(e.Body)
		t.Files[p] = File{Body: e.Body, Type: TypeJSON}
		t.Files[p+".sha256"] = File{Body: fmt.Appendf(nil, "%s  %s\n", hex.EncodeToString(s256[:]), e.fileName), Type: TypeText}
		t.Files[p+".sha512"] = File{Body: fmt.Appendf(nil, "%s  %s\n", hex.EncodeToString(s512[:]), e.fileName), Type: TypeText}
		t.Files[p+".asc"] = File{Body: e.Sig, Type: TypeSig}
		t.Documents = append(t.Documents, e.ID)
		index = append(index, rel)
		if err := cw.Write([]string{rel, e.Current.UTC().Format(time.RFC3339)}); err != nil {
			return nil, err
		}
		if e.Current.After(updated) {
			updated = e.Current
		}
		u := site.url(p)
		feedEntries = append(feedEntries, map[string]any{
			"id": e.ID, "title": e.Title,
			"link": []map[string]string{{"rel": "self", "href": u}, {"rel": "hash", "href": u + ".sha256"},
				{"rel": "hash", "href": u + ".sha512"}, {"rel": "signature", "href": u + ".asc"}},
			"published": e.Initial.UTC().Format(time.RFC3339), "updated": e.Current.UTC().Format(time.RFC3339),
			"summary": map[string]string{"content": e.Title},
			"content": map[string]string{"type": "application/json", "src": u},
			"format":  map[string]string{"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"},
		})
	}
	cw.Flush()
	if updated.IsZero() {
		updated = site.Now
	}
	var idx bytes.Buffer
	for _, l := range index {
		fmt.Fprintln(&idx, l)
	}
	t.Files[whiteDir+"index.txt"] = File{Body: idx.Bytes(), Type: TypeText}
	t.Files[whiteDir+"changes.csv"] = File{Body: changes.Bytes(), Type: TypeCSV}

	csafCategory := []map[string]string{{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}}
	feedURL := site.url(whiteDir + feedName)
	title := site.Publisher.Name + " CSAF feed (TLP:WHITE)"
	if feedEntries == nil {
		feedEntries = []any{}
	}
	add := func(p string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		t.Files[p] = File{Body: append(b, '\n'), Type: TypeJSON}
		return nil
	}
	stamp := updated.UTC().Format(time.RFC3339)
	err := add(whiteDir+feedName, map[string]any{"feed": map[string]any{
		"id": "vmc-csaf-feed-tlp-white", "title": title,
		"link":     []map[string]string{{"rel": "self", "href": feedURL}},
		"category": csafCategory, "updated": stamp, "entry": feedEntries}})
	if err == nil {
		// The category document (7.1.17) names what the feed is about:
		// the publisher's advisories, and the document category.
		err = add(whiteDir+categoryName, map[string]any{"categories": map[string]any{"category": []map[string]string{
			{"term": site.Publisher.Name}, {"term": "csaf_security_advisory"}}}})
	}
	if err == nil {
		err = add(Root+serviceName, map[string]any{"service": map[string]any{"workspace": []any{map[string]any{
			"title": "Public CSAF feed", "collection": []any{map[string]any{
				"title": title, "href": feedURL, "categories": map[string]any{"category": csafCategory}}}}}}})
	}
	keyPath := Root + "openpgp/" + site.Fingerprint + ".asc"
	t.Files[keyPath] = File{Body: site.PublicKey, Type: TypePGP}
	if err == nil {
		pub := map[string]string{"category": site.Publisher.Category, "name": site.Publisher.Name, "namespace": site.Publisher.Namespace}
		if site.Publisher.ContactDetails != "" {
			pub["contact_details"] = site.Publisher.ContactDetails
		}
		if site.Publisher.IssuingAuthority != "" {
			pub["issuing_authority"] = site.Publisher.IssuingAuthority
		}
		err = add(MetadataPath, map[string]any{
			"canonical_url": site.url(MetadataPath),
			"distributions": []any{map[string]any{
				"directory_url": site.url(whiteDir),
				"rolie": map[string]any{"feeds": []any{map[string]any{
					"summary": "All TLP:WHITE advisories of " + site.Publisher.Name + ".", "tlp_label": "WHITE", "url": feedURL}}}}},
			"last_updated":               stamp,
			"list_on_CSAF_aggregators":   true,
			"metadata_version":           "2.0",
			"mirror_on_CSAF_aggregators": true,
			"public_openpgp_keys":        []any{map[string]string{"fingerprint": site.Fingerprint, "url": site.url(keyPath)}},
			"publisher":                  pub,
			"role":                       "csaf_trusted_provider",
		})
	}
	if err != nil {
		return nil, err
	}
	if len(site.SecurityTxt.Contact) > 0 {
		st := site.SecurityTxt
		st.CSAF = append(slices.Clone(st.CSAF), site.url(MetadataPath))
		now := cmp.Or(site.SecurityTxtNow, site.Now)
		if st.Expires.IsZero() {
			st.Expires = disclosure.ExpiresAt(now, 180)
		}
		if err := st.Validate(now); err != nil {
			return nil, fmt.Errorf("security.txt: %w", err)
		}
		b, _ := st.MarshalText()
		t.Files[SecurityTxtPath] = File{Body: b, Type: TypeText}
	}
	t.listings()
	return t, nil
}

// listings adds an HTML listing for every folder under Root (7.1.14:
// directory listings of the distribution), linking its files and
// sub-folders by relative address.
func (t *Tree) listings() {
	dirs := map[string]map[string]bool{}
	for p := range t.Files {
		if !strings.HasPrefix(p, Root) || strings.HasSuffix(p, "/") {
			continue
		}
		for d, name := path.Dir(p)+"/", path.Base(p); strings.HasPrefix(d, Root); d, name = path.Dir(strings.TrimSuffix(d, "/"))+"/", path.Base(strings.TrimSuffix(d, "/"))+"/" {
			if dirs[d] == nil {
				dirs[d] = map[string]bool{}
			}
			dirs[d][name] = true
		}
	}
	for d, names := range dirs {
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		slices.Sort(list)
		var b bytes.Buffer
		fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of /%s</title></head><body>\n<h1>Index of /%s</h1>\n<ul>\n", html.EscapeString(d), html.EscapeString(d))
		for _, n := range list {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(n), html.EscapeString(n))
		}
		b.WriteString("</ul>\n</body></html>\n")
		t.Files[d] = File{Body: b.Bytes(), Type: TypeHTML}
	}
}
