package fetch

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Why a CSAF document was refused. CSAFRefusedError unwraps to these, so
// that errors.Is tells the reasons apart.
var (
	// ErrCSAFHash: a hash file does not match the document, or is not a
	// hash file.
	ErrCSAFHash = errors.New("hash mismatch")
	// ErrCSAFSignature: the signature does not verify against the
	// provider's keys (altered document, unknown signer, expired or
	// revoked key).
	ErrCSAFSignature = errors.New("bad signature")
	// ErrCSAFUnsigned: the document has no signature file.
	ErrCSAFUnsigned = errors.New("no signature")
	// ErrCSAFTLP: the document's TLP label is not to be imported, or is
	// not the label of the directory or feed it was published in.
	ErrCSAFTLP = errors.New("TLP label refused")
	// ErrCSAFInvalid: the document is not CSAF 2.0 JSON.
	ErrCSAFInvalid = errors.New("not a CSAF 2.0 document")
	// ErrCSAFURL: a URL that is not https, or that leaves the directory
	// listing it, or whose file name could not be a CSAF file name.
	ErrCSAFURL = errors.New("URL refused")
)

// Why a provider was not synced at all.
var (
	// ErrCSAFProvider: no provider-metadata.json was found, or the one
	// found lacks what a sync needs.
	ErrCSAFProvider = errors.New("no usable provider metadata")
	// ErrCSAFKey: the provider lists OpenPGP keys but none could be used,
	// or lists none while signatures are required.
	ErrCSAFKey = errors.New("no usable OpenPGP key")
)

// Bounds on what one answer may hold. Metadata, keys, hash and signature
// files are small; the bounds stop a broken or hostile server from making
// a sync hold much in memory.
const (
	csafSmallMax   = 1 << 20  // provider-metadata.json, security.txt, a key file
	csafSidecarMax = 64 << 10 // a .sha256, .sha512 or .asc file
	// csafListingMax bounds changes.csv, index.txt and a ROLIE feed, which
	// are read whole. A large provider lists tens of thousands of
	// documents in a few MB; the bound leaves room for ten times that.
	csafListingMax = 256 << 20
	// csafDocumentMax bounds one document, which is read whole for its TLP
	// label. Most CSAF documents are a few kB to a few MB; VEX documents of
	// large products reach tens of MB.
	csafDocumentMax = 512 << 20
)

// CSAF fetches CSAF 2.0 advisories from CSAF providers (CSAF 2.0 section
// 7, https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html#7-distributing-csaf-documents).
//
// A provider is named by its provider-metadata.json URL or by its domain.
// For a domain, the metadata is looked for where section 7.3.1 says: at
// https://DOMAIN/.well-known/csaf/provider-metadata.json, then at the CSAF
// fields of https://DOMAIN/.well-known/security.txt, then at
// https://csaf.data.security.DOMAIN (not tried for an IP address). The
// first that answers with usable metadata wins.
//
// The metadata's distributions are synced one by one: a directory
// (directory_url) through its changes.csv, or its index.txt when there is
// none, and a ROLIE feed through its entries. Each document is accepted
// only when:
//
//   - it arrived over https, as every URL of a sync must (section 7.1.3);
//   - each hash file found (.sha256, .sha512, or those a ROLIE entry
//     links) matches it; a missing hash file is only reported, since the
//     signature is the stronger check;
//   - its detached signature (.asc) verifies against one of the keys the
//     metadata lists, at Now, each key having the fingerprint the
//     metadata states for it. A document without a signature is refused
//     whatever the provider's role: only a csaf_trusted_provider must sign
//     (section 7.1.19), but without a signature nothing ties a document
//     to its provider beyond TLS. InsecureUnsigned lets such documents in;
//   - it is CSAF 2.0 JSON whose TLP label is one of TLP and is the label
//     of its directory or feed (a document without a label takes its
//     distribution's).
//
// A document that fails is refused: it is not imported, and Sync's error is
// a *CSAFRefusedError listing every refusal with its URL and reason. The
// others are imported all the same.
//
// Verified documents are saved as DIR/HOST/DISTRIBUTION/NAME.json, where
// they appear by rename only once verified, and handed to Import one at a
// time. Each distribution keeps a state.json beside them: the watermark,
// the newest changes.csv time or ROLIE "updated" imported, and the
// validators of its listing. The next sync fetches only documents newer
// than the watermark, and nothing at all when the server says the listing
// is unchanged. The watermark moves past a time only once every document of
// that time was imported or refused. Refused documents do not hold it
// back, so they are not fetched again until the provider republishes them
// (Full fetches everything again); a document that could not be
// downloaded (a network error, a 5xx answer) does hold it, and is fetched
// again next time.
type CSAF struct {
	Client *Client
	Dir    string
	// Providers are provider-metadata.json URLs, or domains (or https base
	// URLs, of which only the host counts) to look for one at.
	Providers []string
	// TLP lists the labels to import: WHITE (or its TLP 2.0 name, CLEAR),
	// GREEN, AMBER, RED and UNLABELED; default WHITE. A directory or feed
	// of a label not listed is not fetched.
	TLP []string
	// InsecureUnsigned imports documents that have no signature file, and
	// syncs providers that list no OpenPGP key, without checking a
	// signature. A signature that fails is refused regardless.
	InsecureUnsigned bool
	// RootCAs, when set, are the certificate authorities trusted for TLS
	// instead of the system's: for a provider behind a private CA.
	RootCAs *x509.CertPool
	// Full ignores the watermarks and listing validators of earlier syncs.
	Full bool
	// Log receives what is worth knowing but refuses nothing: missing hash
	// files, unusable keys, skipped distributions, bad listing lines; and,
	// at debug level, each verified document. Nil discards it.
	Log *slog.Logger
	// Now is the time signatures and keys are checked at (default
	// time.Now): a key that has expired or been revoked verifies nothing.
	Now func() time.Time
}

var _ Source = (*CSAF)(nil)

func (*CSAF) Name() string { return "csaf" }

// CSAFRefusal is a document a sync did not import, and why.
type CSAFRefusal struct {
	URL string
	Err error // wraps one of the ErrCSAF* reasons, or is a *StatusError
}

func (r CSAFRefusal) Error() string { return r.URL + ": " + r.Err.Error() }
func (r CSAFRefusal) Unwrap() error { return r.Err }

// CSAFRefusedError is Sync's error when it refused documents. The other
// documents were imported.
type CSAFRefusedError struct {
	Refused []CSAFRefusal
	// Documents is how many documents the sync considered, the refused
	// ones included.
	Documents int
}

func (e *CSAFRefusedError) Error() string {
	return fmt.Sprintf("csaf: %d of %d documents refused, the first: %v", len(e.Refused), e.Documents, e.Refused[0])
}

func (e *CSAFRefusedError) Unwrap() []error {
	errs := make([]error, len(e.Refused))
	for i, r := range e.Refused {
		errs[i] = r
	}
	return errs
}

// csafTLPs are the labels TLP may list, after csafLabel: CSAF 2.0's four
// (section 3.2.1.5.2) and UNLABELED, a ROLIE feed's label for documents
// of mixed or no label (section 7.1.15).
var csafTLPs = []string{"WHITE", "GREEN", "AMBER", "RED", "UNLABELED"}

// csafLabel normalises a TLP label: upper case, without a "TLP:" prefix,
// and TLP 2.0's CLEAR as WHITE, which it renamed.
func csafLabel(s string) string {
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "TLP:")
	if s == "CLEAR" {
		return "WHITE"
	}
	return s
}

// Validate reports a source that cannot sync: no provider, no directory,
// an unknown TLP label.
func (s *CSAF) Validate() error {
	if len(s.Providers) == 0 {
		return errors.New("csaf: no provider: name a provider-metadata.json URL or a domain")
	}
	if s.Dir == "" {
		return errors.New("csaf: no cache directory")
	}
	for _, l := range s.TLP {
		if !slices.Contains(csafTLPs, csafLabel(l)) {
			return fmt.Errorf("csaf: TLP label %q: want WHITE (or CLEAR), GREEN, AMBER, RED or UNLABELED", l)
		}
	}
	return nil
}

// Sync syncs each provider in turn. A provider that cannot be synced (no
// metadata, no usable key, a listing that cannot be fetched) is reported
// in the error and the next one is synced; a failed Import stops the sync.
func (s *CSAF) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	if err := s.Validate(); err != nil {
		return res, err
	}
	r, err := s.newRun(imp, &res)
	if err != nil {
		return res, fmt.Errorf("csaf: %w", err)
	}
	var errs []error
	for _, p := range s.Providers {
		err := r.provider(ctx, p)
		var ie *csafImportError
		if errors.As(err, &ie) {
			return res, fmt.Errorf("csaf: %w", ie.err)
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("csaf: provider %s: %w", p, err))
		}
	}
	if len(r.refused) > 0 {
		errs = append(errs, &CSAFRefusedError{Refused: r.refused, Documents: r.documents})
	}
	if len(errs) == 1 {
		// Unwrapped, so that a caller can tell "only refusals" from
		// "something failed".
		return res, errs[0]
	}
	return res, errors.Join(errs...)
}

// csafImportError is a failed Import, which stops the sync.
type csafImportError struct{ err error }

func (e *csafImportError) Error() string { return e.err.Error() }

// csafRun is one sync.
type csafRun struct {
	s       *CSAF
	imp     Import
	res     *Result
	log     *slog.Logger
	now     func() time.Time
	allowed []string // normalised TLP labels to import
	// small fetches metadata, keys, listings and hash and signature
	// files; docs fetches documents.
	small, docs *Client
	refused     []CSAFRefusal
	documents   int
	seen        map[string]bool // document URLs handled, across distributions and providers
	providers   map[string]bool // provider-metadata.json URLs synced
}

func (s *CSAF) newRun(imp Import, res *Result) (*csafRun, error) {
	r := &csafRun{s: s, imp: imp, res: res, log: s.Log, now: s.Now,
		seen: map[string]bool{}, providers: map[string]bool{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.now == nil {
		r.now = time.Now
	}
	for _, l := range s.TLP {
		r.allowed = append(r.allowed, csafLabel(l))
	}
	if len(r.allowed) == 0 {
		r.allowed = []string{"WHITE"}
	}
	c := *s.Client.orZero()
	hc := *c.httpClient()
	if s.RootCAs != nil {
		t, ok := hc.Transport.(*http.Transport)
		if hc.Transport == nil {
			t, ok = http.DefaultTransport.(*http.Transport)
		}
		if !ok {
			return nil, fmt.Errorf("RootCAs: the HTTP client's transport is a %T, not an *http.Transport", hc.Transport)
		}
		t = t.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.RootCAs = s.RootCAs
		hc.Transport = t
	}
	// A redirect must not leave https: the metadata names the keys, and
	// the keys vouch for the documents.
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("%w: redirect to %s: not https", ErrCSAFURL, redacted(req.URL.String()))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	c.HTTP = &hc
	small, docs := c, c
	small.MaxBytes = min(c.maxBytes(), csafListingMax)
	docs.MaxBytes = min(c.maxBytes(), csafDocumentMax)
	r.small, r.docs = &small, &docs
	return r, nil
}

// csafProvider is a provider being synced.
type csafProvider struct {
	url  string // of its provider-metadata.json
	role string
	keys openpgp.EntityList // verified keys; nil when signatures are not checked
	dir  string
}

func (r *csafRun) provider(ctx context.Context, raw string) error {
	md, mdURL, err := r.discover(ctx, raw)
	if err != nil {
		return err
	}
	if r.providers[mdURL] {
		return nil
	}
	r.providers[mdURL] = true
	p := &csafProvider{url: mdURL, role: *md.Role, dir: filepath.Join(r.s.Dir, csafSafeName(csafHost(mdURL)))}
	if p.keys, err = r.keys(ctx, md); err != nil {
		return err
	}
	var errs []error
	for i, d := range md.Distributions {
		if d.DirectoryURL != "" {
			err := r.directory(ctx, p, d.DirectoryURL)
			if errors.As(err, new(*csafImportError)) {
				return err
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("distributions[%d].directory_url %s: %w", i, d.DirectoryURL, err))
			}
		}
		if d.ROLIE == nil {
			continue
		}
		for j, f := range d.ROLIE.Feeds {
			err := r.rolie(ctx, p, f)
			if errors.As(err, new(*csafImportError)) {
				return err
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("distributions[%d].rolie.feeds[%d] %s: %w", i, j, f.URL, err))
			}
		}
	}
	return errors.Join(errs...)
}

// csafHost is the host (and port) of a URL known to parse.
func csafHost(raw string) string {
	u, _ := url.Parse(raw)
	return u.Host
}

// csafSafeName makes a URL's host or path a single, visible file name:
// anything but letters, digits, '-', '.' and '_' becomes '_', and leading
// dots and underscores go.
func csafSafeName(s string) string {
	b := []byte(strings.Trim(s, "/"))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			b[i] = '_'
		}
	}
	name := strings.TrimLeft(string(b), "._")
	if name == "" {
		return "root"
	}
	return name
}

// csafHTTPS parses a URL that a sync is to fetch, which must be https.
func csafHTTPS(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCSAFURL, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%w: %s: not an https URL (CSAF 2.0 section 7.1.3 requires TLS)", ErrCSAFURL, redacted(raw))
	}
	return u, nil
}

// csafDefinitive reports whether err is the server's considered answer:
// a 4xx other than 429, a refused URL, an answer too large. Such a file is
// treated as absent. Any other error is a failure to get an answer, worth
// trying again later.
func csafDefinitive(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code >= 400 && se.Code < 500 && se.Code != http.StatusTooManyRequests
	}
	return errors.Is(err, ErrCSAFURL) || errors.Is(err, ErrTooLarge)
}

// get fetches an https URL whole, at most limit bytes. With prev the
// request is conditional, and an unchanged file comes back as unchanged,
// with no body.
func (r *csafRun) get(ctx context.Context, raw string, limit int64, prev Validators) (body []byte, v Validators, unchanged bool, err error) {
	if _, err := csafHTTPS(raw); err != nil {
		return nil, v, false, err
	}
	req := request{url: raw, header: http.Header{}}
	if prev.ETag != "" {
		req.header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.header.Set("If-Modified-Since", prev.LastModified)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := r.small.do(ctx, req)
	if err != nil {
		return nil, v, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, prev, true, nil
	}
	where := redacted(raw)
	idle := orDefault(r.small.Idle, DefaultIdle)
	watchdog := time.AfterFunc(idle, func() { cancel(errStalled) })
	defer watchdog.Stop()
	rd := &idleReader{r: resp.Body, reset: func() { watchdog.Reset(idle) }}
	limit = min(limit, r.small.MaxBytes)
	// One byte past the limit tells a body of exactly the limit from a
	// longer one.
	body, err = io.ReadAll(io.LimitReader(rd, limit+1))
	if err != nil {
		if errors.Is(context.Cause(ctx), errStalled) {
			err = fmt.Errorf("%w for %v", errStalled, idle)
		}
		return nil, v, false, fmt.Errorf("GET %s: body: %w", where, err)
	}
	if int64(len(body)) > limit {
		return nil, v, false, fmt.Errorf("GET %s: %w of %d bytes", where, ErrTooLarge, limit)
	}
	r.res.Bytes += int64(len(body))
	return body, Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, false, nil
}

// csafMetadata is provider-metadata.json (CSAF 2.0 section 7.1.7; schema
// https://docs.oasis-open.org/csaf/csaf/v2.0/provider_json_schema.json).
// The members a sync needs are pointers, so that a missing one is told
// from an empty one. list_on_CSAF_aggregators and
// mirror_on_CSAF_aggregators, which the schema requires too, tell
// aggregators what they may do and are not read.
type csafMetadata struct {
	// CanonicalURL is where the provider publishes this file.
	CanonicalURL *string `json:"canonical_url"`
	// Distributions are the directories and ROLIE feeds holding the
	// documents (sections 7.1.11 to 7.1.17).
	Distributions []csafDistribution `json:"distributions"`
	// LastUpdated is when the file last changed, an RFC 3339 date-time.
	LastUpdated *string `json:"last_updated"`
	// MetadataVersion is "2.0".
	MetadataVersion *string `json:"metadata_version"`
	// PublicOpenPGPKeys are the keys that sign the documents (section
	// 7.1.20).
	PublicOpenPGPKeys []csafKeyRef `json:"public_openpgp_keys"`
	// Publisher is the CSAF document's publisher object (section 3.2.1.8).
	Publisher *struct {
		Category  string `json:"category"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"publisher"`
	// Role is csaf_publisher, csaf_provider or csaf_trusted_provider
	// (section 7.2).
	Role *string `json:"role"`
}

// csafDistribution is one member of distributions: a directory, a ROLIE
// service, or both.
type csafDistribution struct {
	DirectoryURL string `json:"directory_url"`
	ROLIE        *struct {
		Feeds []csafFeedRef `json:"feeds"`
	} `json:"rolie"`
}

// csafFeedRef is a ROLIE feed a provider lists, with the TLP label of its
// documents.
type csafFeedRef struct {
	TLPLabel string `json:"tlp_label"`
	URL      string `json:"url"`
}

// csafKeyRef is a public OpenPGP key a provider lists.
type csafKeyRef struct {
	Fingerprint string `json:"fingerprint"`
	URL         string `json:"url"`
}

var csafFingerprint = regexp.MustCompile(`^[0-9a-fA-F]{40,}$`)

// check reports the first member missing or not as the schema defines it,
// by its JSON path.
func (md *csafMetadata) check() error {
	absolute := func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.IsAbs() && u.Host != ""
	}
	switch {
	case md.CanonicalURL == nil:
		return errors.New("canonical_url: missing")
	case !absolute(*md.CanonicalURL) || !strings.HasSuffix(*md.CanonicalURL, "/provider-metadata.json"):
		return fmt.Errorf("canonical_url: %q is not an absolute URL ending in /provider-metadata.json", *md.CanonicalURL)
	case md.LastUpdated == nil:
		return errors.New("last_updated: missing")
	case md.MetadataVersion == nil:
		return errors.New("metadata_version: missing")
	case *md.MetadataVersion != "2.0":
		return fmt.Errorf("metadata_version: %q, want 2.0", *md.MetadataVersion)
	case md.Publisher == nil:
		return errors.New("publisher: missing")
	case !slices.Contains([]string{"coordinator", "discoverer", "other", "translator", "user", "vendor"}, md.Publisher.Category):
		return fmt.Errorf("publisher.category: %q is not a publisher category", md.Publisher.Category)
	case md.Publisher.Name == "":
		return errors.New("publisher.name: missing")
	case !absolute(md.Publisher.Namespace):
		return fmt.Errorf("publisher.namespace: %q is not an absolute URL", md.Publisher.Namespace)
	case md.Role == nil:
		return errors.New("role: missing")
	case !slices.Contains([]string{"csaf_publisher", "csaf_provider", "csaf_trusted_provider"}, *md.Role):
		return fmt.Errorf("role: %q is not csaf_publisher, csaf_provider or csaf_trusted_provider", *md.Role)
	case len(md.Distributions) == 0:
		// The schema allows this (a csaf_publisher need not distribute),
		// but there is nothing to sync.
		return errors.New("distributions: none, so nothing to fetch")
	}
	if _, err := time.Parse(time.RFC3339, *md.LastUpdated); err != nil {
		return fmt.Errorf("last_updated: %q is not an RFC 3339 date-time", *md.LastUpdated)
	}
	for i, d := range md.Distributions {
		at := fmt.Sprintf("distributions[%d]", i)
		if d.DirectoryURL == "" && d.ROLIE == nil {
			return fmt.Errorf("%s: neither directory_url nor rolie", at)
		}
		if d.DirectoryURL != "" && !absolute(d.DirectoryURL) {
			return fmt.Errorf("%s.directory_url: %q is not an absolute URL", at, d.DirectoryURL)
		}
		if d.ROLIE == nil {
			continue
		}
		if len(d.ROLIE.Feeds) == 0 {
			return fmt.Errorf("%s.rolie.feeds: none", at)
		}
		for j, f := range d.ROLIE.Feeds {
			if !slices.Contains(csafTLPs, f.TLPLabel) {
				return fmt.Errorf("%s.rolie.feeds[%d].tlp_label: %q is not UNLABELED, WHITE, GREEN, AMBER or RED", at, j, f.TLPLabel)
			}
			if !absolute(f.URL) || !strings.HasSuffix(f.URL, ".json") {
				return fmt.Errorf("%s.rolie.feeds[%d].url: %q is not an absolute URL ending in .json", at, j, f.URL)
			}
		}
	}
	for i, k := range md.PublicOpenPGPKeys {
		if !absolute(k.URL) {
			return fmt.Errorf("public_openpgp_keys[%d].url: %q is not an absolute URL", i, k.URL)
		}
		if k.Fingerprint != "" && !csafFingerprint.MatchString(k.Fingerprint) {
			return fmt.Errorf("public_openpgp_keys[%d].fingerprint: %q is not 40 or more hex digits", i, k.Fingerprint)
		}
	}
	return nil
}

// discover finds and reads a provider's metadata, and returns it with the
// URL it came from.
func (r *csafRun) discover(ctx context.Context, raw string) (*csafMetadata, string, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := csafHTTPS(s)
	if err != nil {
		return nil, "", err
	}
	if strings.HasSuffix(u.Path, "/provider-metadata.json") {
		md, err := r.metadata(ctx, u.String())
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrCSAFProvider, err)
		}
		return md, u.String(), nil
	}
	var tried []string
	try := func(c string) *csafMetadata {
		md, err := r.metadata(ctx, c)
		if err != nil {
			tried = append(tried, err.Error())
			return nil
		}
		return md
	}
	host := u.Host
	wellKnown := "https://" + host + "/.well-known/csaf/provider-metadata.json"
	if md := try(wellKnown); md != nil {
		return md, wellKnown, nil
	}
	for _, c := range r.securityTxt(ctx, host, &tried) {
		if md := try(c); md != nil {
			return md, c, nil
		}
	}
	// Section 7.1.10: the host csaf.data.security.DOMAIN serves the
	// metadata itself. An IP address has no such name.
	if net.ParseIP(u.Hostname()) == nil {
		dns := "https://csaf.data.security." + host + "/"
		if md := try(dns); md != nil {
			return md, dns, nil
		}
	} else {
		tried = append(tried, "https://csaf.data.security."+u.Hostname()+"/: not tried for an IP address")
	}
	return nil, "", fmt.Errorf("%w: none found; tried %s", ErrCSAFProvider, strings.Join(tried, "; "))
}

// securityTxt returns the URLs in the CSAF fields of host's security.txt
// (RFC 9116; CSAF 2.0 section 7.1.8), resolved against it, in order.
func (r *csafRun) securityTxt(ctx context.Context, host string, tried *[]string) []string {
	at := "https://" + host + "/.well-known/security.txt"
	body, _, _, err := r.get(ctx, at, csafSmallMax, Validators{})
	if err != nil {
		*tried = append(*tried, err.Error())
		return nil
	}
	base, _ := url.Parse(at)
	var urls []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		// Field names are case-insensitive (RFC 9116, section 2.4). A
		// signed security.txt only adds lines that are not fields.
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if !ok || !strings.EqualFold(name, "CSAF") {
			continue
		}
		ref, err := url.Parse(strings.TrimSpace(value))
		if err != nil {
			*tried = append(*tried, fmt.Sprintf("%s: CSAF field %q: %v", at, value, err))
			continue
		}
		urls = append(urls, base.ResolveReference(ref).String())
	}
	if len(urls) == 0 {
		*tried = append(*tried, at+": no CSAF field")
	}
	return urls
}

// metadata fetches and checks a provider-metadata.json.
func (r *csafRun) metadata(ctx context.Context, at string) (*csafMetadata, error) {
	body, _, _, err := r.get(ctx, at, csafSmallMax, Validators{})
	if err != nil {
		return nil, err
	}
	var md csafMetadata
	if err := json.Unmarshal(body, &md); err != nil {
		return nil, fmt.Errorf("%s: %w", redacted(at), err)
	}
	if err := md.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", redacted(at), err)
	}
	return &md, nil
}

// keys fetches the provider's public keys and keeps those that have the
// fingerprint the metadata states. A key stated without a fingerprint is
// kept as fetched. Keys that cannot be used are logged; a provider with
// keys but none usable is an error, since every signature would fail. A
// provider that lists no key is an error unless InsecureUnsigned, in
// which case no signature is checked (nil keys).
func (r *csafRun) keys(ctx context.Context, md *csafMetadata) (openpgp.EntityList, error) {
	if len(md.PublicOpenPGPKeys) == 0 {
		if r.s.InsecureUnsigned {
			r.log.Warn("csaf provider lists no OpenPGP key; signatures are not checked", "role", *md.Role)
			return nil, nil
		}
		return nil, fmt.Errorf("%w: public_openpgp_keys lists none, so no signature can be checked (--insecure-unsigned imports the documents unchecked)", ErrCSAFKey)
	}
	var keys openpgp.EntityList
	var problems []string
	for i, k := range md.PublicOpenPGPKeys {
		at := fmt.Sprintf("public_openpgp_keys[%d]", i)
		body, _, _, err := r.get(ctx, k.URL, csafSmallMax, Validators{})
		if err != nil && !csafDefinitive(err) {
			// Going on without the key would refuse its documents for
			// good, since refusals do not hold the watermark.
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", at, err))
			continue
		}
		el, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(body))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s: %v", at, redacted(k.URL), err))
			continue
		}
		if k.Fingerprint == "" {
			r.log.Warn("csaf key has no fingerprint in provider-metadata.json; used as fetched", "key", k.URL)
			keys = append(keys, el...)
			continue
		}
		want := strings.ToUpper(k.Fingerprint)
		var found []string
		for _, e := range el {
			found = append(found, fmt.Sprintf("%X", e.PrimaryKey.Fingerprint))
			if found[len(found)-1] == want {
				keys = append(keys, e)
				break
			}
		}
		if !slices.Contains(found, want) {
			problems = append(problems, fmt.Sprintf("%s: %s holds the key %s, not %s as stated", at, redacted(k.URL), strings.Join(found, ", "), want))
		}
	}
	for _, p := range problems {
		r.log.Warn("csaf key unusable", "problem", p)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrCSAFKey, strings.Join(problems, "; "))
	}
	return keys, nil
}

// csafDist is a directory or ROLIE feed being synced.
type csafDist struct {
	what  string // "directory URL" or "ROLIE feed URL", for messages
	label string // its TLP label (csafLabel), or "" when unknown
	dir   string // cache directory
}

// csafEntry is a document a listing names.
type csafEntry struct {
	url     string
	updated time.Time // zero when the listing gives no time
	// hashes and sig are the hash and signature files a ROLIE entry
	// links; when it links none, or for a directory, the files are
	// looked for under their conventional names (sections 7.1.18 and
	// 7.1.19): the document's URL with .sha256, .sha512 and .asc.
	hashes []string
	sig    string
}

// skip reports whether a distribution's label is one not to import, which
// is then not fetched at all.
func (r *csafRun) skip(d csafDist) bool {
	if d.label == "" || d.label == "UNLABELED" || slices.Contains(r.allowed, d.label) {
		return false
	}
	r.log.Info("csaf distribution skipped for its TLP label", "distribution", d.what, "tlp", d.label, "imported", strings.Join(r.allowed, ","))
	return true
}

// directory syncs a directory-based distribution (sections 7.1.11 to
// 7.1.14) from its changes.csv, or from its index.txt when it has none.
// Its TLP label is its last path segment, by the convention of section
// 7.1.11's examples (.well-known/csaf/white/).
func (r *csafRun) directory(ctx context.Context, p *csafProvider, raw string) error {
	base, err := csafHTTPS(raw)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	d := csafDist{what: "directory " + redacted(base.String()), dir: filepath.Join(p.dir, csafSafeName(base.Path))}
	if l := csafLabel(path.Base(base.Path)); slices.Contains(csafTLPs, l) {
		d.label = l
	}
	if r.skip(d) {
		return nil
	}
	st, err := prepare(d.dir)
	if err != nil {
		return err
	}
	listing := base.JoinPath("changes.csv").String()
	body, v, unchanged, err := r.get(ctx, listing, csafListingMax, r.prev(st, listing))
	var entries []csafEntry
	switch {
	case err == nil && !unchanged:
		entries = r.changes(body, base, listing)
	case err != nil && csafDefinitive(err):
		r.log.Warn("csaf directory has no changes.csv; reading index.txt, whose documents are all fetched whenever it changes", "distribution", d.what, "err", err)
		listing = base.JoinPath("index.txt").String()
		body, v, unchanged, err = r.get(ctx, listing, csafListingMax, r.prev(st, listing))
		if err == nil && !unchanged {
			entries = r.index(body, base, listing)
		}
	}
	if err != nil {
		return err
	}
	if unchanged {
		r.res.Unchanged = append(r.res.Unchanged, redacted(listing))
		return nil
	}
	return r.sync(ctx, p, d, st, listing, v, entries)
}

// prev is what a listing's conditional request sends.
func (r *csafRun) prev(st *State, listing string) Validators {
	if r.s.Full {
		return Validators{}
	}
	return st.Validators[listing]
}

// inDirectory resolves a path a directory listing names, which must stay
// below the directory: the TLP check relies on a document being where its
// directory is.
func inDirectory(base *url.URL, rel string) (string, error) {
	ref, err := url.Parse(rel)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrCSAFURL, rel, err)
	}
	u := base.ResolveReference(ref)
	if u.Scheme != base.Scheme || u.Host != base.Host || !strings.HasPrefix(u.Path, base.Path) {
		return "", fmt.Errorf("%w: %q is outside the directory %s", ErrCSAFURL, rel, redacted(base.String()))
	}
	return u.String(), nil
}

// changes reads a changes.csv (section 7.1.13): lines of a path relative
// to the directory and the time of the document's latest change. A path
// listed more than once counts at its latest time. Bad lines are logged
// and skipped.
func (r *csafRun) changes(body []byte, base *url.URL, at string) []csafEntry {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	byURL := map[string]int{}
	var entries []csafEntry
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		line := 0
		switch {
		case errors.As(err, &pe):
			line = pe.Line
		case err != nil:
			// Not a malformed line, which the reader would skip.
			r.log.Warn("csaf changes.csv cut short", "file", redacted(at), "err", err)
			return entries
		default:
			line, _ = cr.FieldPos(0)
		}
		bad := func(why string) {
			r.log.Warn("csaf changes.csv line skipped", "file", redacted(at), "line", line, "problem", why)
		}
		if err != nil {
			bad(err.Error())
			continue
		}
		if len(rec) != 2 {
			bad(fmt.Sprintf("%d fields, want path and time", len(rec)))
			continue
		}
		u, err := inDirectory(base, rec[0])
		if err != nil {
			// Refused rather than skipped: the provider listed a document
			// it should not have, which is worth more than a log line.
			r.documents++
			r.refuse(rec[0], err)
			continue
		}
		t, err := time.Parse(time.RFC3339, rec[1])
		if err != nil {
			bad(fmt.Sprintf("time %q is not RFC 3339", rec[1]))
			continue
		}
		if i, ok := byURL[u]; ok {
			if t.After(entries[i].updated) {
				entries[i].updated = t
			}
			continue
		}
		byURL[u] = len(entries)
		entries = append(entries, csafEntry{url: u, updated: t})
	}
	return entries
}

// index reads an index.txt (section 7.1.12): a path relative to the
// directory on each line.
func (r *csafRun) index(body []byte, base *url.URL, at string) []csafEntry {
	var entries []csafEntry
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		rel := strings.TrimSpace(sc.Text())
		if rel == "" {
			continue
		}
		u, err := inDirectory(base, rel)
		if err != nil {
			r.documents++
			r.refuse(rel, err)
			continue
		}
		if !seen[u] {
			seen[u] = true
			entries = append(entries, csafEntry{url: u})
		}
	}
	if err := sc.Err(); err != nil {
		r.log.Warn("csaf index.txt cut short", "file", redacted(at), "err", err)
	}
	return entries
}

// csafROLIEFeed is a ROLIE feed in JSON (RFC 8322; CSAF 2.0 section
// 7.1.15), what a sync reads of it.
type csafROLIEFeed struct {
	Feed *struct {
		Entry []struct {
			ID   string `json:"id"`
			Link []struct {
				Rel  string `json:"rel"`
				Href string `json:"href"`
			} `json:"link"`
			// Updated is when the entry last changed, RFC 3339.
			Updated string `json:"updated"`
		} `json:"entry"`
	} `json:"feed"`
}

// rolie syncs a ROLIE feed: each entry's rel "self" link is a document,
// "hash" links its hash files and "signature" its signature.
func (r *csafRun) rolie(ctx context.Context, p *csafProvider, f csafFeedRef) error {
	u, err := csafHTTPS(f.URL)
	if err != nil {
		return err
	}
	d := csafDist{what: "ROLIE feed " + redacted(f.URL), label: csafLabel(f.TLPLabel),
		dir: filepath.Join(p.dir, csafSafeName(strings.TrimSuffix(u.Path, ".json")))}
	if r.skip(d) {
		return nil
	}
	st, err := prepare(d.dir)
	if err != nil {
		return err
	}
	body, v, unchanged, err := r.get(ctx, f.URL, csafListingMax, r.prev(st, f.URL))
	if err != nil {
		return err
	}
	if unchanged {
		r.res.Unchanged = append(r.res.Unchanged, redacted(f.URL))
		return nil
	}
	var feed csafROLIEFeed
	if err := json.Unmarshal(body, &feed); err != nil {
		return fmt.Errorf("%s: %w", redacted(f.URL), err)
	}
	if feed.Feed == nil {
		return fmt.Errorf("%s: not a ROLIE feed: no \"feed\" member", redacted(f.URL))
	}
	// Links are IRIs (RFC 4287, section 4.2.7.1), which may be relative
	// to the feed.
	resolve := func(href string) string {
		ref, err := url.Parse(href)
		if err != nil {
			return href // refused as not https when fetched
		}
		return u.ResolveReference(ref).String()
	}
	var entries []csafEntry
	for i, en := range feed.Feed.Entry {
		var e csafEntry
		for _, l := range en.Link {
			switch l.Rel {
			case "self":
				e.url = resolve(l.Href)
			case "hash":
				e.hashes = append(e.hashes, resolve(l.Href))
			case "signature":
				e.sig = resolve(l.Href)
			}
		}
		bad := func(why string) {
			r.log.Warn("csaf ROLIE entry skipped", "feed", redacted(f.URL), "entry", i, "id", en.ID, "problem", why)
		}
		if e.url == "" {
			bad(`no link of rel "self"`)
			continue
		}
		if e.updated, err = time.Parse(time.RFC3339, en.Updated); err != nil {
			bad(fmt.Sprintf("updated %q is not RFC 3339", en.Updated))
			continue
		}
		if e.hashes == nil {
			r.log.Warn("csaf ROLIE entry links no hash file; trying .sha256 and .sha512", "document", e.url)
		}
		entries = append(entries, e)
	}
	return r.sync(ctx, p, d, st, f.URL, v, entries)
}

// sync fetches a distribution's documents newer than its watermark, oldest
// first, moving the watermark as each time is done, and saves the
// listing's validators once all are done. A document that could not be
// downloaded stops the watermark but not the others, which are fetched
// again next time too.
func (r *csafRun) sync(ctx context.Context, p *csafProvider, d csafDist, st *State, listing string, v Validators, entries []csafEntry) error {
	if !r.s.Full && !st.Watermark.IsZero() {
		entries = slices.DeleteFunc(entries, func(e csafEntry) bool {
			return !e.updated.IsZero() && !e.updated.After(st.Watermark)
		})
	}
	slices.SortStableFunc(entries, func(a, b csafEntry) int { return a.updated.Compare(b.updated) })
	var failed []error
	for i, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := r.document(ctx, p, d, e)
		if errors.As(err, new(*csafImportError)) {
			return err
		}
		if err != nil {
			failed = append(failed, err)
			continue
		}
		lastOfTime := i+1 == len(entries) || entries[i+1].updated.After(e.updated)
		if len(failed) == 0 && lastOfTime && e.updated.After(st.Watermark) {
			st.Watermark = e.updated
			if err := SaveState(d.dir, st); err != nil {
				return err
			}
		}
	}
	if len(failed) > 0 {
		return errors.Join(failed...)
	}
	if v == (Validators{}) {
		return nil
	}
	if st.Validators == nil {
		st.Validators = map[string]Validators{}
	}
	st.Validators[listing] = v
	return SaveState(d.dir, st)
}

// csafFileName is what a document's file name may be. CSAF 2.0 section
// 5.1 allows only [a-z0-9+_-] and ".json"; upper case is let through, but
// not a leading dot, which would hide the file from the importer, nor
// anything that could climb out of the cache directory.
var csafFileName = regexp.MustCompile(`^[A-Za-z0-9+_-][A-Za-z0-9+_.-]*\.json$`)

// refuse records a document not imported.
func (r *csafRun) refuse(u string, err error) {
	r.refused = append(r.refused, CSAFRefusal{URL: redacted(u), Err: err})
}

// csafSum is a hash file's digest.
type csafSum struct {
	alg  string // "sha256" or "sha512"
	url  string
	want []byte
}

// document fetches one document with its hash and signature files,
// verifies it and imports it. It returns an error only for a failure worth
// trying again; what the provider served wrong is refused (see refuse).
func (r *csafRun) document(ctx context.Context, p *csafProvider, d csafDist, e csafEntry) error {
	if r.seen[e.url] {
		return nil
	}
	r.seen[e.url] = true
	r.documents++
	u, err := csafHTTPS(e.url)
	if err != nil {
		r.refuse(e.url, err)
		return nil
	}
	name := path.Base(u.Path)
	if !csafFileName.MatchString(name) {
		r.refuse(e.url, fmt.Errorf("%w: file name %q is not a CSAF file name (section 5.1)", ErrCSAFURL, name))
		return nil
	}
	// fetchSide fetches a hash or signature file. It is absent when the
	// server said so (csafDefinitive); err is a failure to try again.
	fetchSide := func(at string) (body []byte, absent, err error) {
		body, _, _, err = r.get(ctx, at, csafSidecarMax, Validators{})
		if err != nil && !csafDefinitive(err) {
			return nil, nil, err
		}
		return body, err, nil
	}

	var sig []byte
	if p.keys != nil {
		at := e.sig
		if at == "" {
			at = e.url + ".asc"
		}
		body, missing, err := fetchSide(at)
		switch {
		case err != nil:
			return err
		case missing == nil:
			sig = body
		case !r.s.InsecureUnsigned:
			why := "vmc imports only signed documents unless --insecure-unsigned"
			if p.role == "csaf_trusted_provider" {
				why = "a csaf_trusted_provider must sign every document (CSAF 2.0 section 7.1.19)"
			}
			r.refuse(e.url, fmt.Errorf("%w: %v; %s", ErrCSAFUnsigned, missing, why))
			return nil
		default:
			r.log.Warn("csaf document unsigned; imported as --insecure-unsigned allows", "document", e.url, "err", missing)
		}
	}

	hashURLs := e.hashes
	if hashURLs == nil {
		hashURLs = []string{e.url + ".sha256", e.url + ".sha512"}
	}
	var sums []csafSum
	var missing []string
	for _, at := range hashURLs {
		alg := strings.TrimPrefix(path.Ext(at), ".")
		size := map[string]int{"sha256": sha256.Size, "sha512": sha512.Size}[alg]
		if size == 0 {
			r.log.Warn("csaf hash file of an unknown algorithm ignored", "document", e.url, "hash", at)
			continue
		}
		body, miss, err := fetchSide(at)
		if err != nil {
			return err
		}
		if miss != nil {
			missing = append(missing, miss.Error())
			continue
		}
		want, err := csafParseSum(body, size)
		if err != nil {
			r.refuse(e.url, fmt.Errorf("%w: %s: %v", ErrCSAFHash, redacted(at), err))
			return nil
		}
		sums = append(sums, csafSum{alg: alg, url: at, want: want})
	}
	if len(missing) > 0 {
		why := "document has no hash file"
		if len(sums) > 0 {
			why = "document lacks a hash file"
		}
		if len(sums) == 0 && p.role == "csaf_trusted_provider" {
			why += "; a csaf_trusted_provider must publish one (CSAF 2.0 section 7.1.18)"
		}
		r.log.Warn("csaf "+why, "document", e.url, "missing", strings.Join(missing, "; "))
	}

	var signer string
	var verr error
	dst := filepath.Join(d.dir, name)
	f, err := r.docs.download(ctx, request{url: e.url}, dst, Validators{}, func(tmp string) error {
		signer, verr = r.verify(tmp, p, d, sums, sig)
		return verr
	})
	switch {
	case verr != nil:
		r.refuse(e.url, verr)
		return nil
	case err != nil && csafDefinitive(err):
		r.refuse(e.url, err)
		return nil
	case err != nil:
		return err
	}
	algs := "none"
	for i, s := range sums {
		if i == 0 {
			algs = s.alg
		} else {
			algs += "," + s.alg
		}
	}
	r.log.Debug("csaf document verified", "document", e.url, "hashes", algs, "signer", signer)
	if err := r.imp(ctx, dst); err != nil {
		return &csafImportError{fmt.Errorf("import %s: %w", dst, err)}
	}
	r.res.add(e.url, f)
	return nil
}

// csafParseSum reads a hash file: the hex digest, then optionally the
// file name, as sha256sum writes it ("HEX  name").
func csafParseSum(b []byte, size int) ([]byte, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return nil, errors.New("empty")
	}
	sum, err := hex.DecodeString(fields[0])
	if err != nil || len(sum) != size {
		return nil, fmt.Errorf("%.80q is not %d hex digits", fields[0], 2*size)
	}
	return sum, nil
}

// csafDocument is what a sync reads of a CSAF document.
type csafDocument struct {
	Document *struct {
		CSAFVersion  string `json:"csaf_version"`
		Distribution *struct {
			TLP *struct {
				Label string `json:"label"`
			} `json:"tlp"`
		} `json:"distribution"`
	} `json:"document"`
}

// verify checks a downloaded document before it becomes visible: its
// hashes, then its signature, then that it is CSAF whose TLP label fits.
// It returns the signer's fingerprint.
func (r *csafRun) verify(tmp string, p *csafProvider, d csafDist, sums []csafSum, sig []byte) (string, error) {
	b, err := os.ReadFile(tmp)
	if err != nil {
		return "", err
	}
	for _, s := range sums {
		var got []byte
		if s.alg == "sha256" {
			h := sha256.Sum256(b)
			got = h[:]
		} else {
			h := sha512.Sum512(b)
			got = h[:]
		}
		if !bytes.Equal(got, s.want) {
			return "", fmt.Errorf("%w: the document's %s is %x, %s says %x", ErrCSAFHash, s.alg, got, redacted(s.url), s.want)
		}
	}
	var signer string
	if sig != nil {
		e, err := openpgp.CheckArmoredDetachedSignature(p.keys, bytes.NewReader(b), bytes.NewReader(sig), &packet.Config{Time: r.now})
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrCSAFSignature, err)
		}
		signer = fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	}
	var doc csafDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", fmt.Errorf("%w: %v", ErrCSAFInvalid, err)
	}
	if doc.Document == nil || doc.Document.CSAFVersion != "2.0" {
		return "", fmt.Errorf("%w: no document.csaf_version 2.0", ErrCSAFInvalid)
	}
	label := d.label
	if dist := doc.Document.Distribution; dist != nil && dist.TLP != nil {
		label = csafLabel(dist.TLP.Label)
		if d.label != "" && d.label != "UNLABELED" && label != d.label {
			return "", fmt.Errorf("%w: labelled TLP:%s in the TLP:%s %s", ErrCSAFTLP, dist.TLP.Label, d.label, d.what)
		}
	}
	if label == "" {
		label = "UNLABELED"
	}
	if !slices.Contains(r.allowed, label) {
		return "", fmt.Errorf("%w: TLP:%s is not imported (imported: %s)", ErrCSAFTLP, label, strings.Join(r.allowed, ", "))
	}
	return signer, nil
}
