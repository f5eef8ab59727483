package api

import (
	"embed"
	"net/http"
)

// docs is the API's documentation page: Swagger UI, vendored (see
// docs/NOTICE), so the page works without the internet, unlike the CDN
// page huma serves by default.
//
//go:embed docs
var docs embed.FS

// docsCSP is the docs page's policy. Swagger UI sets element styles and
// writes rendered Markdown through innerHTML, so unlike the web UI it gets
// inline styles and no Trusted Types; scripts still come from vmc only.
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func docsHandler() http.Handler {
	files := http.FileServerFS(docs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", docsCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "public, max-age=3600")
		switch r.URL.Path {
		case "/api/v1/docs", "/api/v1/docs/":
			r.URL.Path = "/docs/"
		case "/api/v1/docs/index.html":
			http.Redirect(w, r, "/api/v1/docs", http.StatusMovedPermanently)
			return
		default:
			r.URL.Path = "/docs/" + r.URL.Path[len("/api/v1/docs/"):]
		}
		files.ServeHTTP(w, r)
	})
}
