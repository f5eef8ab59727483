package api

import (
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/vmc-dev/vmc/internal/csafprovider"
)

// CSAFProvider serves the CSAF trusted provider's files under
// /.well-known/csaf/ from the tree its last build made
// (csafprovider.Build); `vmc serve` builds it at start and on a
// schedule, and swaps the whole tree at once, so that a reader never
// sees a feed naming a document the tree does not hold yet.
//
// The files are public, as TLP:CLEAR documents must be readable without
// sign-in (CSAF 2.0 7.1.4), and served as they are: no redirect (7.1.6),
// application/json for documents, which csaf_checker requires exactly.
type CSAFProvider struct {
	tree atomic.Pointer[csafprovider.Tree]
}

// Set replaces the tree served.
func (p *CSAFProvider) Set(t *csafprovider.Tree) { p.tree.Store(t) }

// ServeHTTP serves one file of the tree, or a folder's listing.
func (p *CSAFProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	t := p.tree.Load()
	if t == nil {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "the CSAF provider is being built", http.StatusServiceUnavailable)
		return
	}
	f, ok := t.Files[strings.TrimPrefix(r.URL.Path, "/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodHead {
		return
	}
	w.Write(f.Body)
}
