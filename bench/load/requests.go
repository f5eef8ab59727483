package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// client talks to a running vmc with an API token.
type client struct {
	base, token string
	hc          *http.Client
}

// get decodes the JSON answer to GET path into v.
func (c *client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("GET %s: %s: %s", path, res.Status, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

type vulnSummary struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases"`
	Titles  []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"titles"`
}

type component struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Ecosystem string `json:"ecosystem"`
	PURL      string `json:"purl"`
}

func requests(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("requests", flag.ContinueOnError)
	base := fs.String("url", "", "vmc's base URL")
	token := fs.String("token", "", "API token with read scope")
	out := fs.String("out", "", "directory for the request lists")
	assets := fs.Int("assets", 10000, "the synthetic assets bench-0000... to take packages from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := &client{base: strings.TrimRight(*base, "/"), token: *token, hc: &http.Client{Timeout: time.Minute}}

	// Vulnerabilities: pages of every sort order, so the sample spans
	// sources and years rather than the newest few.
	var vulns []vulnSummary
	for _, sort := range []string{"-published", "published", "-score", "id", "-id", "-epss"} {
		var page struct {
			Items []vulnSummary `json:"items"`
		}
		if err := c.get(ctx, "/api/v1/vulns?limit=200&sort="+sort, &page); err != nil {
			return err
		}
		vulns = append(vulns, page.Items...)
	}
	seen := map[string]bool{}
	var detail, search []string
	for i, v := range vulns {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		// Asked for by an alias where it has one: by-alias lookup is
		// what a detail page of a CVE or GHSA link does.
		id := v.ID
		if len(v.Aliases) > 0 {
			id = v.Aliases[i%len(v.Aliases)]
		}
		detail = append(detail, "/api/v1/vulns/"+url.PathEscape(id))
		if w := word(v); w != "" && !seen["word:"+w] {
			seen["word:"+w] = true
			search = append(search, "/api/v1/vulns?q="+url.QueryEscape(w))
		}
	}
	// Enough distinct requests that caches see a spread, few enough that
	// the floor records every answer in a minute or two.
	if len(detail) > 300 {
		detail = detail[:300]
	}
	if len(search) > 100 {
		search = search[:100]
	}

	// Findings: every filter the findings page offers, in combinations
	// a person would click, over teams and assets that exist.
	var findings []string
	states := []string{"new", "triaged", ""}
	prios := []string{"critical", "high", "medium", "low"}
	sevs := []string{"critical", "high", "critical,high"}
	sorts := []string{"", "-priority", "due", "-epss", "-score", "-first_seen"}
	for i := range 60 {
		q := url.Values{}
		switch i % 5 {
		case 0:
			q.Set("priority", prios[i/5%len(prios)])
		case 1:
			q.Set("severity", sevs[i/5%len(sevs)])
		case 2:
			q.Set("team", fmt.Sprintf("team-%d", i/5%7))
			q.Set("kev", "true")
		case 3:
			q.Set("asset", fmt.Sprintf("bench-%04d", i*37%*assets))
		case 4:
			if s := states[i/5%len(states)]; s != "" {
				q.Set("state", s)
			} else {
				q.Set("all", "true")
			}
		}
		if s := sorts[i%len(sorts)]; s != "" {
			q.Set("sort", s)
		}
		findings = append(findings, "/api/v1/findings?"+q.Encode())
	}

	// querybatch: 1,000 distinct packages with versions, from the
	// components of the synthetic assets (real SBOM content).
	var queries []map[string]any
	have := map[string]bool{}
	for i := 0; i < *assets && len(queries) < 1000; i += 97 {
		var a struct {
			Components []component `json:"components"`
		}
		if err := c.get(ctx, fmt.Sprintf("/api/v1/assets/bench-%04d", i), &a); err != nil {
			return err
		}
		for _, co := range a.Components {
			key := co.Ecosystem + "|" + co.Name + "|" + co.Version + "|" + co.PURL
			if have[key] || co.Version == "" || len(queries) == 1000 {
				continue
			}
			have[key] = true
			if co.Ecosystem != "" {
				queries = append(queries, map[string]any{"package": map[string]string{"name": co.Name, "ecosystem": co.Ecosystem}, "version": co.Version})
			} else if co.PURL != "" {
				queries = append(queries, map[string]any{"package": map[string]string{"purl": co.PURL}})
			}
		}
	}
	if len(queries) < 1000 {
		return fmt.Errorf("only %d distinct packages found in the assets; is the corpus built?", len(queries))
	}
	body, err := json.Marshal(map[string]any{"queries": queries})
	if err != nil {
		return err
	}
	for name, lines := range map[string][]string{"detail.txt": detail, "search.txt": search, "findings.txt": findings} {
		if len(lines) < 50 {
			return fmt.Errorf("%s: only %d requests", name, len(lines))
		}
		if err := os.WriteFile(filepath.Join(*out, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "querybatch.json"), body, 0o644); err != nil {
		return err
	}
	fmt.Printf("requests: %d detail, %d search, %d findings, querybatch of %d packages (%d bytes)\n",
		len(detail), len(search), len(findings), len(queries), len(body))
	return nil
}

// word picks a search term from a vulnerability's title: its longest
// word of letters, the kind of product or component name people type.
func word(v vulnSummary) string {
	if len(v.Titles) == 0 {
		return ""
	}
	ws := strings.FieldsFunc(v.Titles[0].Value, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	ws = slices.DeleteFunc(ws, func(w string) bool { return len([]rune(w)) < 4 })
	if len(ws) == 0 {
		return ""
	}
	return slices.MaxFunc(ws, func(a, b string) int { return len(a) - len(b) })
}
