package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

// TAXII configures the TAXII 2.1 server
// (https://docs.oasis-open.org/cti/taxii/v2.1/): discovery at /taxii2/,
// each API root at /taxii2/<root>/. TAXII has its own media types, error
// envelope and paging, so these routes are plain handlers rather than
// OpenAPI operations; who may read and write is decided per collection
// (taxii.Collection's grants), narrowed by an API token's scopes.
type TAXII struct {
	// Title, Description and Contact are the discovery resource's.
	Title, Description, Contact string
	// MaxContentLength bounds a POST; 0 means DefaultTAXIIMaxContent.
	MaxContentLength int
}

// DefaultTAXIIMaxContent bounds an add request.
const DefaultTAXIIMaxContent = 10 << 20

func (s *Server) taxiiMax() int {
	if s.TAXII.MaxContentLength > 0 {
		return s.TAXII.MaxContentLength
	}
	return DefaultTAXIIMaxContent
}

// taxiiError is TAXII's error message (section 3.6.1).
type taxiiError struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	HTTPStatus  string `json:"http_status"`
}

func taxiiWrite(w http.ResponseWriter, status int, v any, headers ...string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, b = http.StatusInternalServerError, *bytes.NewBufferString(`{"title":"internal error","http_status":"500"}`)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Set(headers[i], headers[i+1])
	}
	w.Header().Set("Content-Type", taxii.MediaType)
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func taxiiFail(w http.ResponseWriter, status int, description string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vmc", Basic realm="vmc"`)
	}
	taxiiWrite(w, status, taxiiError{Title: http.StatusText(status), Description: description, HTTPStatus: strconv.Itoa(status)})
}

// acceptsTAXII reports whether an Accept header admits TAXII 2.1 JSON.
// No header admits anything.
func acceptsTAXII(h string) bool {
	if strings.TrimSpace(h) == "" {
		return true
	}
	for _, part := range strings.Split(h, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*":
			return true
		case "application/taxii+json":
			if v, ok := params["version"]; !ok || v == "2.1" {
				return true
			}
		}
	}
	return false
}

// taxiiCaller finds who calls: nobody (nil) without credentials; a vmc
// API token as Bearer, or as the password of HTTP Basic (what TAXII
// clients commonly send); or a browser session.
func (s *Server) taxiiCaller(w http.ResponseWriter, r *http.Request) (*principal, error) {
	if _, pass, ok := r.BasicAuth(); ok {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+pass)
	}
	if r.Header.Get("Authorization") == "" {
		if _, err := r.Cookie(sessionCookie); err != nil {
			return nil, nil
		}
	}
	p, err := s.identify(humago.NewContext(&huma.Operation{}, r, w))
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// may reports whether the caller may read (or write) a collection: the
// collection's grants, and the token's scopes.
func (p *principal) may(c taxii.Collection, write bool) bool {
	var u *auth.User
	if p != nil {
		u = &p.User
	}
	if write {
		return c.CanWrite(u) && (p.Token == nil || p.Token.Allows(auth.ImportWrite))
	}
	return c.CanRead(u) && (p == nil || p.Token == nil || p.Token.Allows(auth.VulnRead))
}

// taxiiHandler serves /taxii2/ and everything below it.
func (s *Server) taxiiHandler(w http.ResponseWriter, r *http.Request) {
	if !acceptsTAXII(r.Header.Get("Accept")) {
		taxiiFail(w, http.StatusNotAcceptable, "this server speaks "+taxii.MediaType)
		return
	}
	p, err := s.taxiiCaller(w, r)
	if err != nil {
		var se huma.StatusError
		if errors.As(err, &se) {
			taxiiFail(w, se.GetStatus(), se.Error())
		} else {
			s.Log.Error("taxii: authenticate", "err", err)
			taxiiFail(w, http.StatusInternalServerError, "internal error")
		}
		return
	}
	seg := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/taxii2"), "/"), "/")
	if seg[0] == "" {
		seg = nil
	}
	method := func(allowed ...string) bool {
		for _, m := range allowed {
			if r.Method == m || (m == http.MethodGet && r.Method == http.MethodHead) {
				return true
			}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		taxiiFail(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here")
		return false
	}
	switch {
	case len(seg) == 0:
		if method(http.MethodGet) {
			s.taxiiDiscovery(w, r)
		}
	case len(seg) == 1:
		if method(http.MethodGet) {
			s.taxiiAPIRoot(w, r, seg[0])
		}
	case len(seg) == 3 && seg[1] == "status":
		if method(http.MethodGet) {
			s.taxiiStatus(w, r, p, seg[0], seg[2])
		}
	case len(seg) == 2 && seg[1] == "collections":
		if method(http.MethodGet) {
			s.taxiiCollections(w, r, p, seg[0])
		}
	case len(seg) >= 3 && seg[1] == "collections":
		c, ok := s.taxiiCollection(w, r, p, seg[0], seg[2])
		if !ok {
			return
		}
		rest := seg[3:]
		switch {
		case len(rest) == 0:
			if method(http.MethodGet) {
				taxiiWrite(w, http.StatusOK, collectionResource(c, p))
			}
		case len(rest) == 1 && rest[0] == "objects":
			if method(http.MethodGet, http.MethodPost) {
				if r.Method == http.MethodPost {
					s.taxiiAdd(w, r, p, c)
				} else {
					s.taxiiObjects(w, r, p, c, "", "objects")
				}
			}
		case len(rest) == 1 && rest[0] == "manifest":
			if method(http.MethodGet) {
				s.taxiiObjects(w, r, p, c, "", "manifest")
			}
		case len(rest) == 2 && rest[0] == "objects":
			// Object versions are kept for good (append-only), so
			// DELETE is not offered.
			if method(http.MethodGet) {
				s.taxiiObjects(w, r, p, c, rest[1], "object")
			}
		case len(rest) == 3 && rest[0] == "objects" && rest[2] == "versions":
			if method(http.MethodGet) {
				s.taxiiObjects(w, r, p, c, rest[1], "versions")
			}
		default:
			taxiiFail(w, http.StatusNotFound, "no such TAXII resource")
		}
	default:
		taxiiFail(w, http.StatusNotFound, "no such TAXII resource")
	}
}

// base is the server's own address as the client reached it.
func base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) taxiiDiscovery(w http.ResponseWriter, r *http.Request) {
	roots, err := s.Store.APIRoots(r.Context())
	if err != nil {
		s.taxiiInternal(w, err)
		return
	}
	d := struct {
		Title       string   `json:"title"`
		Description string   `json:"description,omitempty"`
		Contact     string   `json:"contact,omitempty"`
		Default     string   `json:"default,omitempty"`
		APIRoots    []string `json:"api_roots"`
	}{Title: cmp.Or(s.TAXII.Title, "vmc TAXII 2.1"), Description: s.TAXII.Description, Contact: s.TAXII.Contact, APIRoots: []string{}}
	for _, root := range roots {
		d.APIRoots = append(d.APIRoots, base(r)+"/taxii2/"+root.Name+"/")
	}
	if len(d.APIRoots) > 0 {
		d.Default = d.APIRoots[0]
	}
	taxiiWrite(w, http.StatusOK, d)
}

func (s *Server) taxiiInternal(w http.ResponseWriter, err error) {
	s.Log.Error("taxii", "err", err)
	taxiiFail(w, http.StatusInternalServerError, "internal error")
}

func (s *Server) taxiiRoot(w http.ResponseWriter, r *http.Request, name string) (taxii.APIRoot, bool) {
	roots, err := s.Store.APIRoots(r.Context())
	if err != nil {
		s.taxiiInternal(w, err)
		return taxii.APIRoot{}, false
	}
	for _, root := range roots {
		if root.Name == name {
			return root, true
		}
	}
	taxiiFail(w, http.StatusNotFound, "no API root "+name)
	return taxii.APIRoot{}, false
}

func (s *Server) taxiiAPIRoot(w http.ResponseWriter, r *http.Request, name string) {
	root, ok := s.taxiiRoot(w, r, name)
	if !ok {
		return
	}
	taxiiWrite(w, http.StatusOK, struct {
		Title            string   `json:"title"`
		Description      string   `json:"description,omitempty"`
		Versions         []string `json:"versions"`
		MaxContentLength int      `json:"max_content_length"`
	}{root.Title, root.Description, []string{taxii.MediaType}, s.taxiiMax()})
}

// collectionResource is a collection as TAXII shows it to the caller
// (section 5.2.1).
func collectionResource(c taxii.Collection, p *principal) any {
	return struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Description string   `json:"description,omitempty"`
		Alias       string   `json:"alias,omitempty"`
		CanRead     bool     `json:"can_read"`
		CanWrite    bool     `json:"can_write"`
		MediaTypes  []string `json:"media_types,omitempty"`
	}{c.ID, c.Title, c.Description, c.Alias, p.may(c, false), p.may(c, true), c.MediaTypes}
}

func (s *Server) taxiiCollections(w http.ResponseWriter, r *http.Request, p *principal, root string) {
	if _, ok := s.taxiiRoot(w, r, root); !ok {
		return
	}
	cs, err := s.Store.Collections(r.Context(), root)
	if err != nil {
		s.taxiiInternal(w, err)
		return
	}
	out := struct {
		Collections []any `json:"collections,omitempty"`
	}{}
	for _, c := range cs {
		// Collections the caller may neither read nor write are not
		// shown: their names are the owners' business.
		if p.may(c, false) || p.may(c, true) {
			out.Collections = append(out.Collections, collectionResource(c, p))
		}
	}
	taxiiWrite(w, http.StatusOK, out)
}

// taxiiCollection finds a collection the caller may see: one it may
// neither read nor write does not exist for it (404), unless it has not
// signed in (401).
func (s *Server) taxiiCollection(w http.ResponseWriter, r *http.Request, p *principal, root, id string) (taxii.Collection, bool) {
	c, err := s.Store.Collection(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && c.APIRoot != root:
		taxiiFail(w, http.StatusNotFound, "no collection "+id+" in API root "+root)
		return c, false
	case err != nil:
		s.taxiiInternal(w, err)
		return c, false
	case !p.may(c, false) && !p.may(c, true):
		if p == nil {
			taxiiFail(w, http.StatusUnauthorized, "sign in, or send an API token as Authorization: Bearer or as the password of Basic")
		} else {
			taxiiFail(w, http.StatusNotFound, "no collection "+id+" in API root "+root)
		}
		return c, false
	}
	return c, true
}

// taxiiQuery reads the filters of a GET (TAXII 2.1 section 3.4).
func taxiiQuery(r *http.Request, c taxii.Collection, id, kind string) (store.STIXQuery, error) {
	v := r.URL.Query()
	q := store.STIXQuery{Collection: c.ID, Next: v.Get("next")}
	list := func(key string) []string {
		var out []string
		for _, x := range v[key] {
			for _, y := range strings.Split(x, ",") {
				if y = strings.TrimSpace(y); y != "" {
					out = append(out, y)
				}
			}
		}
		return out
	}
	if a := v.Get("added_after"); a != "" {
		t, err := stix.ParseTime(a)
		if err != nil {
			return q, fmt.Errorf("added_after: %w", err)
		}
		q.AddedAfter = t
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit: %q is not a positive number", l)
		}
		q.Limit = min(n, store.MaxSTIXLimit)
	}
	q.SpecVersions = list("match[spec_version]")
	for _, sv := range q.SpecVersions {
		if sv != "2.0" && sv != "2.1" {
			return q, fmt.Errorf("match[spec_version]: unknown %q", sv)
		}
	}
	if kind != "versions" {
		q.Versions = list("match[version]")
		for _, x := range q.Versions {
			if x != "first" && x != "last" && x != "all" {
				if _, err := stix.ParseTime(x); err != nil {
					return q, fmt.Errorf("match[version]: %w", err)
				}
			}
		}
	} else {
		q.Versions = []string{"all"}
	}
	if id != "" {
		q.IDs = []string{id}
	} else {
		q.IDs, q.Types = list("match[id]"), list("match[type]")
	}
	return q, nil
}

// taxiiObjects answers the four reads of a collection's objects: objects,
// one object, its versions, and the manifest.
func (s *Server) taxiiObjects(w http.ResponseWriter, r *http.Request, p *principal, c taxii.Collection, id, kind string) {
	if !p.may(c, false) {
		taxiiFail(w, http.StatusForbidden, "you may add to collection "+c.ID+" but not read it")
		return
	}
	q, err := taxiiQuery(r, c, id, kind)
	if err != nil {
		taxiiFail(w, http.StatusBadRequest, err.Error())
		return
	}
	page, err := s.Store.STIXObjects(r.Context(), q)
	switch {
	case errors.Is(err, store.ErrBadQuery):
		taxiiFail(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		s.taxiiInternal(w, err)
		return
	case id != "" && len(page.Objects) == 0 && q.Next == "" && q.AddedAfter.IsZero():
		taxiiFail(w, http.StatusNotFound, "no object "+id+" in collection "+c.ID)
		return
	}
	var headers []string
	if n := len(page.Objects); n > 0 {
		headers = []string{"X-TAXII-Date-Added-First", stix.TimeKey(page.Objects[0].DateAdded), "X-TAXII-Date-Added-Last", stix.TimeKey(page.Objects[n-1].DateAdded)}
	}
	type envelope struct {
		More     bool   `json:"more"`
		Next     string `json:"next,omitempty"`
		Objects  any    `json:"objects,omitempty"`
		Versions any    `json:"versions,omitempty"`
	}
	out := envelope{More: page.More, Next: page.Next}
	switch kind {
	case "objects", "object":
		var objs []json.RawMessage
		for _, o := range page.Objects {
			objs = append(objs, o.Object)
		}
		if objs != nil {
			out.Objects = objs
		}
	case "versions":
		var vs []string
		for _, o := range page.Objects {
			vs = append(vs, o.Version)
		}
		if vs != nil {
			out.Versions = vs
		}
	case "manifest":
		type record struct {
			ID        string `json:"id"`
			DateAdded string `json:"date_added"`
			Version   string `json:"version"`
			MediaType string `json:"media_type"`
		}
		var recs []record
		for _, o := range page.Objects {
			recs = append(recs, record{o.ID, stix.TimeKey(o.DateAdded), o.Version, "application/stix+json;version=" + o.SpecVersion})
		}
		if recs != nil {
			out.Objects = recs
		}
	}
	taxiiWrite(w, http.StatusOK, out, headers...)
}

// taxiiAdd adds the objects of an envelope (section 5.5). Objects that
// cannot be read are the status's failures; the others are added in one
// transaction.
func (s *Server) taxiiAdd(w http.ResponseWriter, r *http.Request, p *principal, c taxii.Collection) {
	switch {
	case p == nil:
		taxiiFail(w, http.StatusUnauthorized, "sign in, or send an API token, to add objects")
		return
	case !p.may(c, true):
		taxiiFail(w, http.StatusForbidden, p.User.Name+" may not add to collection "+c.ID)
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/taxii+json" || (params["version"] != "" && params["version"] != "2.1") {
		taxiiFail(w, http.StatusUnsupportedMediaType, "send "+taxii.MediaType)
		return
	}
	if r.ContentLength > int64(s.taxiiMax()) {
		taxiiFail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("more than max_content_length, %d bytes", s.taxiiMax()))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.taxiiMax())))
	if err != nil {
		taxiiFail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("more than max_content_length, %d bytes", s.taxiiMax()))
		return
	}
	var (
		objs     []stix.Object
		failures []taxii.Detail
	)
	for o, err := range stix.Objects("request", bytes.NewReader(body)) {
		switch {
		case err == nil:
			objs = append(objs, o)
		case !errors.As(err, new(*stix.ObjectError)):
			// The envelope itself is unreadable.
			taxiiFail(w, http.StatusUnprocessableEntity, err.Error())
			return
		default:
			failures = append(failures, taxii.Detail{ID: failedID(err), Message: err.Error()})
		}
	}
	st, err := s.Store.AddSTIX(r.Context(), c.ID, objs, nil, failures, p.User.Name)
	if err != nil {
		s.taxiiInternal(w, err)
		return
	}
	taxiiWrite(w, http.StatusAccepted, st)
}

// failedID names the object of a parse error as best it can: the id
// the error message starts with after the position, else "".
func failedID(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "invalid STIX: "); i >= 0 {
		if id, _, ok := strings.Cut(msg[i+len("invalid STIX: "):], ":"); ok && strings.Contains(id, "--") {
			return id
		}
	}
	return ""
}

func (s *Server) taxiiStatus(w http.ResponseWriter, r *http.Request, p *principal, root, id string) {
	if _, ok := s.taxiiRoot(w, r, root); !ok {
		return
	}
	if p == nil {
		taxiiFail(w, http.StatusUnauthorized, "sign in, or send an API token, to read a status")
		return
	}
	st, err := s.Store.TAXIIStatus(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		taxiiFail(w, http.StatusNotFound, "no status "+id)
		return
	case err != nil:
		s.taxiiInternal(w, err)
		return
	}
	c, err := s.Store.Collection(r.Context(), st.Collection)
	if err != nil || c.APIRoot != root || (st.User != p.User.Name && p.User.Role != auth.Admin) {
		taxiiFail(w, http.StatusNotFound, "no status "+id)
		return
	}
	taxiiWrite(w, http.StatusOK, st)
}
