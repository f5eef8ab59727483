package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
	"github.com/vmc-dev/vmc/internal/taxiiclient"
)

const (
	hvCollection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116" // High Value Indicator Collection
	mediaTAXII   = "application/taxii+json;version=2.1"
)

// loadReference loads the OASIS reference server's data into f's store.
func loadReference(t *testing.T, s store.Store) int {
	t.Helper()
	fh, err := os.Open(feedtest.SharedData(t, "stix/taxii/default_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	roots, err := taxii.ReadReference("default_data.json", fh)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ingest.LoadTAXII(context.Background(), s, roots, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTAXIIServer(t *testing.T) {
	f := newFixture(t)
	if n := loadReference(t, f.store); n != 8 {
		t.Fatalf("%d reference objects loaded, want 8", n)
	}
	tok := f.tokens[auth.Analyst]
	get := func(path, token string, header ...string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		req.Header.Set("Accept", mediaTAXII)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		if ct := resp.Header.Get("Content-Type"); ct != mediaTAXII {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		return resp.StatusCode, resp.Header, body
	}
	col := "/taxii2/trustgroup1/collections/" + hvCollection + "/"
	count := func(b map[string]any, key string) int { l, _ := b[key].([]any); return len(l) }

	if code, _, b := get("/taxii2/", ""); code != 200 || count(b, "api_roots") != 3 {
		t.Errorf("discovery: %d %v", code, b)
	}
	if code, _, b := get("/taxii2/trustgroup1/", ""); code != 200 || b["title"] != "Malware Research Group" {
		t.Errorf("api root: %d %v", code, b)
	}
	if code, _, _ := get("/taxii2/", "", "Accept", "application/json"); code != http.StatusNotAcceptable {
		t.Errorf("Accept: application/json: %d, want 406", code)
	}
	if code, _, b := get("/taxii2/trustgroup1/collections/", tok); code != 200 || count(b, "collections") != 4 {
		t.Errorf("collections: %d %v (the one nobody may read or write is hidden)", code, b)
	}
	if code, _, _ := get(col+"objects/", ""); code != http.StatusUnauthorized {
		t.Errorf("anonymous objects: %d, want 401", code)
	}
	// Default: each object's last version of its latest spec version.
	code, h, b := get(col+"objects/", tok)
	if code != 200 || count(b, "objects") != 5 || h.Get("X-TAXII-Date-Added-First") == "" || h.Get("X-TAXII-Date-Added-Last") == "" {
		t.Errorf("objects: %d %v %v", code, h, b)
	}
	if _, _, b := get(col+"objects/?match[version]=all&match[spec_version]=2.0,2.1", tok); count(b, "objects") != 8 {
		t.Errorf("all versions: %d objects, want 8", count(b, "objects"))
	}
	if _, _, b := get(col+"objects/?match[type]=indicator&match[version]=all", tok); count(b, "objects") != 4 {
		t.Errorf("indicators, all versions: %d, want 4", count(b, "objects"))
	}
	if _, _, b := get(col+"objects/?added_after=2016-12-31T00:00:00Z&match[version]=all", tok); count(b, "objects") != 3 {
		t.Errorf("added after 2016: %d, want 3", count(b, "objects"))
	}
	// limit and next walk every version once.
	seen := map[string]int{}
	next := ""
	for pages := 0; ; pages++ {
		_, _, b := get(col+"manifest/?limit=3&match[version]=all&match[spec_version]=2.0,2.1&next="+next, tok)
		for _, o := range b["objects"].([]any) {
			m := o.(map[string]any)
			seen[m["id"].(string)+"@"+m["version"].(string)]++
		}
		if b["more"] != true {
			break
		}
		next, _ = b["next"].(string)
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 8 {
		t.Errorf("manifest walk: %v", seen)
	}
	if _, _, b := get(col+"objects/indicator--6770298f-0fd8-471a-ab8c-1c658a46574e/versions/", tok); count(b, "versions") != 3 {
		t.Errorf("versions: %v", b)
	}
	if code, _, _ := get(col+"objects/indicator--00000000-0000-4000-8000-000000000000/", tok); code != 404 {
		t.Errorf("no such object: %d", code)
	}

	post := func(token, ctype, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+col+"objects/", strings.NewReader(body))
		req.Header.Set("Accept", mediaTAXII)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	env := `{"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--252c7c11-daf2-42bd-843b-be65edca9f61","created":"2016-08-08T09:00:00.000Z","modified":"2016-08-08T09:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2016-08-08T09:00:00Z"},{"type":"malware","id":"bad"}]}`
	if code, _ := post(tok, "application/json", env); code != http.StatusUnsupportedMediaType {
		t.Errorf("POST as application/json: %d, want 415", code)
	}
	code, st := post(tok, mediaTAXII, env)
	if code != http.StatusAccepted || st["status"] != "complete" || st["success_count"] != 1.0 || st["failure_count"] != 1.0 {
		t.Fatalf("POST objects: %d %v", code, st)
	}
	if code, _, b := get("/taxii2/trustgroup1/status/"+st["id"].(string)+"/", tok); code != 200 || b["total_count"] != 2.0 {
		t.Errorf("status: %d %v", code, b)
	}
	if code, _, _ := get("/taxii2/trustgroup1/status/"+st["id"].(string)+"/", f.tokens[auth.Auditor]); code != 404 {
		t.Errorf("another user's status: %d, want 404", code)
	}
}

// TestTAXIIPull pulls the reference data and ATT&CK for ICS from one vmc
// into another with vmc's TAXII client, page by page, and again: every
// version arrives once.
func TestTAXIIPull(t *testing.T) {
	ctx := context.Background()
	peer := newFixture(t)
	loadReference(t, peer.store)
	ics, err := os.Open(feedtest.SharedData(t, "stix/ics-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer ics.Close()
	const icsCol = "2f669986-b40b-4423-b720-4396ca6a462b"
	if err := peer.store.PutCollection(ctx, taxii.Collection{ID: icsCol, APIRoot: "api1", Title: "ATT&CK for ICS", Read: []string{"signed-in"}}, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportSTIX(ctx, peer.store, icsCol, "ics-attack.json", ics, "admin"); err != nil {
		t.Fatal(err)
	}

	local := newFixture(t)
	if err := local.store.PutAPIRoot(ctx, taxii.APIRoot{Name: "mirror", Title: "Mirror"}, "admin"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		root, col string
		limit     int
	}{{"trustgroup1", hvCollection, 3}, {"api1", icsCol, 500}} {
		if err := local.store.PutCollection(ctx, taxii.Collection{ID: tc.col, APIRoot: "mirror", Title: "pulled"}, "admin"); err != nil {
			t.Fatal(err)
		}
		p := taxiiclient.Peer{APIRoot: peer.srv.URL + "/taxii2/" + tc.root + "/", Collection: tc.col, Into: tc.col, Token: peer.tokens[auth.Analyst], Limit: tc.limit}
		res, err := taxiiclient.Pull(ctx, nil, local.store, p, "taxii-pull")
		if err != nil {
			t.Fatal(err)
		}
		want, err := peer.store.STIXObjects(ctx, store.STIXQuery{Collection: tc.col, Versions: []string{"all"}, SpecVersions: []string{"2.0", "2.1"}, Limit: store.MaxSTIXLimit})
		if err != nil {
			t.Fatal(err)
		}
		wantN := len(want.Objects)
		for q := (store.STIXQuery{Collection: tc.col, Versions: []string{"all"}, SpecVersions: []string{"2.0", "2.1"}, Limit: store.MaxSTIXLimit}); want.More; {
			q.Next = want.Next
			if want, err = peer.store.STIXObjects(ctx, q); err != nil {
				t.Fatal(err)
			}
			wantN += len(want.Objects)
		}
		if res.Objects != wantN || res.Added != wantN || res.Pages < 2 || len(res.Rejected) > 0 {
			t.Errorf("%s: pulled %+v, want %d objects each added once over pages", tc.col, res, wantN)
		}
		again, err := taxiiclient.Pull(ctx, nil, local.store, p, "taxii-pull")
		if err != nil {
			t.Fatal(err)
		}
		if again.Added != 0 || again.Objects != 0 {
			t.Errorf("%s: a second pull: %+v, want nothing new (resumed from added_after)", tc.col, again)
		}
	}
}
