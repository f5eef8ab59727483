package csafprovider

import (
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/publish"
)

func TestMakeTree(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 12, d, 0, 0, 0, 0, time.UTC) }
	entries := []Entry{
		{ID: "VMC-SA-2025-0001", Title: "old", Body: []byte(`{"a":1}`), Sig: []byte("sig1"), Initial: day(1), Current: day(2), fileName: "vmc-sa-2025-0001.json"},
		{ID: "GCVE-1-2024-0007", Title: "newer", Body: []byte(`{"b":2}`), Sig: []byte("sig2"), Initial: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Current: day(20), fileName: "gcve-1-2024-0007.json"},
	}
	site := Site{BaseURL: "https://vmc.example.cn", Publisher: publish.Publisher{Name: "Acme", Namespace: "https://acme.example", Category: "vendor"},
		Fingerprint: "ABCD", PublicKey: []byte("KEY"), Now: day(21)}
	tr, err := makeTree(site, entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"white/changes.csv", "2024/gcve-1-2024-0007.json,2025-12-20T00:00:00Z\n2025/vmc-sa-2025-0001.json,2025-12-02T00:00:00Z\n"},
		{"white/index.txt", "2024/gcve-1-2024-0007.json\n2025/vmc-sa-2025-0001.json\n"},
		{"white/2024/gcve-1-2024-0007.json.sha256", "  gcve-1-2024-0007.json\n"},
		{"white/2024/", `<a href="gcve-1-2024-0007.json.asc">`},
		{"white/", `<a href="2025/">`},
		{"provider-metadata.json", `"url": "https://vmc.example.cn/.well-known/csaf/openpgp/ABCD.asc"`},
		{"provider-metadata.json", `"last_updated": "2025-12-20T00:00:00Z"`},
		{"white/csaf-feed-tlp-white.json", `"href": "https://vmc.example.cn/.well-known/csaf/white/2025/vmc-sa-2025-0001.json.sha512"`},
		{"service.json", `"href": "https://vmc.example.cn/.well-known/csaf/white/csaf-feed-tlp-white.json"`},
	} {
		f, ok := tr.Files[Root+tc.path]
		if !ok {
			t.Errorf("%s missing", tc.path)
			continue
		}
		if !strings.Contains(string(f.Body), tc.want) {
			t.Errorf("%s lacks %q:\n%s", tc.path, tc.want, f.Body)
		}
	}
	if _, ok := tr.Files[SecurityTxtPath]; ok {
		t.Error("security.txt written without a contact")
	}
	site.BaseURL = "http://vmc.example.cn"
	if _, err := makeTree(site, entries); err == nil || !strings.Contains(err.Error(), "not https") {
		t.Errorf("an http base URL: %v, want refused", err)
	}
}
