package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/cli"
)

// recorded is one of vmc's answers, kept to be served again.
type recorded struct {
	status int
	ctype  string
	body   []byte
}

// floor records vmc's answer to every request of the lists, then serves
// those bytes: the cost of HTTP and of writing the response, and nothing
// of vmc's work. Requests it did not record get 404.
func floor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to serve on")
	base := fs.String("url", "", "vmc's base URL, to record the answers from")
	token := fs.String("token", "", "API token")
	dir := fs.String("dir", "", "directory of the request lists (load requests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := &client{base: strings.TrimRight(*base, "/"), token: *token, hc: &http.Client{Timeout: time.Minute}}
	answers := map[string]recorded{}
	for _, list := range []string{"detail.txt", "search.txt", "findings.txt"} {
		f, err := os.Open(filepath.Join(*dir, list))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if p := sc.Text(); p != "" {
				if answers[p], err = c.record(ctx, http.MethodGet, p, nil); err != nil {
					f.Close()
					return err
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	body, err := os.ReadFile(filepath.Join(*dir, "querybatch.json"))
	if err != nil {
		return err
	}
	batch, err := c.record(ctx, http.MethodPost, "/v1/querybatch", body)
	if err != nil {
		return err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.RequestURI()]
		if r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch" {
			// The body is read, as vmc must read it.
			io.Copy(io.Discard, r.Body)
			a, ok = batch, true
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ctype)
		w.WriteHeader(a.status)
		w.Write(a.body)
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("floor: %d answers recorded; serving on %s\n", len(answers)+1, *addr)
	return srv.ListenAndServe()
}

// record is vmc's answer to one request.
func (c *client) record(ctx context.Context, method, path string, body []byte) (recorded, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return recorded{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return recorded{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return recorded{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode != http.StatusOK {
		return recorded{}, fmt.Errorf("%s %s: %s: %.300s", method, path, res.Status, b)
	}
	return recorded{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}, nil
}

// servePprof runs vmc with the profiling endpoints on a side address;
// the API and the UI are vmc's own, unchanged.
func servePprof(args []string) int {
	fs := flag.NewFlagSet("serve-pprof", flag.ContinueOnError)
	addr := fs.String("pprof", "127.0.0.1:6060", "address of the profiling endpoints")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go http.ListenAndServe(*addr, mux)
	return cli.Run(context.Background(), fs.Args(), os.Stdout, os.Stderr)
}
