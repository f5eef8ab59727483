package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/i18n"
	"github.com/vmc-dev/vmc/internal/risk"
)

//go:embed static
var static embed.FS

// securityHeaders go on every response, errors included.
//
// The policy allows scripts, styles, images and requests from vmc's own
// origin only, none of them inline; no plugins, no <base>, no framing
// (clickjacking a triage form is a way to make an analyst close a
// finding). require-trusted-types-for makes Chromium refuse strings at
// HTML sinks (innerHTML and the like), and trusted-types 'none' forbids
// making a policy that would let them through: the pages never use one.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
		"frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

// contentTypes are set by extension here rather than by mime.TypeByExtension,
// which reads the system's tables: a host whose /etc/mime.types maps .js to
// something other than JavaScript would stop the modules from loading
// (browsers refuse module scripts with the wrong type, and nosniff makes
// them refuse stylesheets too).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// file is one file the handler serves, read once.
type file struct {
	body  []byte
	ctype string
	etag  string
}

func newFile(name string, body []byte) (file, error) {
	ctype, ok := contentTypes[path.Ext(name)]
	if !ok {
		return file{}, fmt.Errorf("web: %s: no content type for %q", name, path.Ext(name))
	}
	sum := sha256.Sum256(body)
	return file{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
}

// Lifecycle is /assets/lifecycle.json: the finding states, which of them
// are open, where a person may move a finding from each, and the
// priorities, as the finding and risk packages define them. The decision
// form offers only these moves; the API checks them again.
type Lifecycle struct {
	States     []finding.State                   `json:"states"`
	Open       []finding.State                   `json:"open"`
	Next       map[finding.State][]finding.State `json:"next"`
	Priorities []risk.Priority                   `json:"priorities"`
}

func lifecycle() Lifecycle {
	l := Lifecycle{States: finding.States, Next: map[finding.State][]finding.State{}, Priorities: risk.Priorities}
	for _, s := range finding.States {
		if s.Open() {
			l.Open = append(l.Open, s)
		}
		l.Next[s] = s.Next()
		if l.Next[s] == nil {
			l.Next[s] = []finding.State{}
		}
	}
	return l
}

// load reads the embedded files into memory, keyed by URL path. They are
// small (tens of kilobytes), and reading them once lets each carry an
// ETag, so browsers revalidate instead of downloading again.
func load() (map[string]file, error) {
	files := map[string]file{}
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(name)
		if err != nil {
			return err
		}
		f, err := newFile(name, b)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(name, "static")] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, lang := range i18n.Langs {
		b, err := i18n.File(lang)
		if err != nil {
			return nil, err
		}
		if files["/i18n/"+lang+".json"], err = newFile(lang+".json", b); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(lifecycle())
	if err != nil {
		return nil, err
	}
	if files["/assets/lifecycle.json"], err = newFile("lifecycle.json", b); err != nil {
		return nil, err
	}
	if _, ok := files["/index.html"]; !ok {
		return nil, fmt.Errorf("web: index.html is not embedded")
	}
	return files, nil
}

// Handler serves the UI: the files under /assets/ and /i18n/, and
// index.html for every other path, which the page's router then reads
// (/findings/12 is a page, not a file). It never answers under /api/:
// a request there that reaches it is a route the API does not have, and
// an HTML page in reply would hide that from API clients.
func Handler() http.Handler {
	files, err := load()
	if err != nil {
		// The files are embedded at build time; TestHandler loads them.
		panic(err)
	}
	index := files["/index.html"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h.Set(k, v)
		}
		p := r.URL.Path
		if p == "/api" || strings.HasPrefix(p, "/api/") {
			problem(w, http.StatusNotFound, "no such API route")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			problem(w, http.StatusMethodNotAllowed, "the UI serves GET and HEAD only")
			return
		}
		f, ok := files[p]
		switch {
		case ok:
		case strings.HasPrefix(p, "/assets/") || strings.HasPrefix(p, "/i18n/"):
			// A missing script or catalogue is a bug to see, not a page.
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		default:
			f = index
		}
		h.Set("Content-Type", f.ctype)
		h.Set("ETag", f.etag)
		// no-cache: use the copy only after checking its ETag, so a new
		// vmc version's scripts are never mixed with an old one's.
		h.Set("Cache-Control", "no-cache")
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatch(match, f.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", fmt.Sprint(len(f.body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(f.body)
	})
}

// etagMatch reports whether an If-None-Match header lists etag (or *).
func etagMatch(header, etag string) bool {
	for _, m := range strings.Split(header, ",") {
		m = strings.TrimPrefix(strings.TrimSpace(m), "W/")
		if m == etag || m == "*" {
			return true
		}
	}
	return false
}

// problem writes an RFC 9457 problem, as the API does.
func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	w.Write(append(b, '\n'))
}
