package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/vmc-dev/vmc/internal/"

// rules maps packages (under internal/, each covering its sub-packages) to
// the imports, direct or not, they must not have.
var rules = []struct {
	pkgs      []string
	forbidden []string
}{
	{
		// The domain: standard library and format libraries only.
		pkgs: []string{"advisory", "version", "ecosystem", "cpe", "asset", "match", "risk", "finding", "incident", "disclosure", "audit", "auth", "maintenance", "samm",
			"chart", "font", "baseline", "trust", "signing", "peer", "rules", "suggest", "attackpath"},
		forbidden: []string{"net/http", "database/sql", "github.com/spf13/cobra", "github.com/jackc/pgx", "modernc.org/sqlite",
			mod + "store", mod + "api", mod + "cli", mod + "ingest", mod + "web", mod + "feed"},
	},
	{
		// Exercises are domain too, held to the same rule but for feed:
		// their results are a tool's scan.Report, and package scan's
		// errors are feed's RecordError. (If scan stops importing feed,
		// move "exercise" into the list above.)
		pkgs: []string{"exercise"},
		forbidden: []string{"net/http", "database/sql", "github.com/spf13/cobra", "github.com/jackc/pgx", "modernc.org/sqlite",
			mod + "store", mod + "api", mod + "cli", mod + "ingest", mod + "web"},
	},
	{
		// Parsers turn bytes into records and writers records into bytes;
		// neither does I/O of its own.
		pkgs:      []string{"feed", "sbom", "scan", "publish"},
		forbidden: []string{"net/http", "database/sql", "os/exec", mod + "store", mod + "ingest", mod + "api", mod + "cli"},
	},
	{
		// Reports render domain values; maroto brings net/http along for
		// images by URL, which vmc never passes it.
		pkgs:      []string{"report"},
		forbidden: []string{mod + "store", mod + "ingest", mod + "api", mod + "cli", mod + "web"},
	},
	{
		// Fetchers produce files; what becomes of them is the caller's.
		pkgs:      []string{"fetch"},
		forbidden: []string{mod + "store", mod + "ingest", mod + "api", mod + "cli"},
	},
	{
		// Environment hardening's reports read a store and know nothing
		// of who shows them.
		pkgs:      []string{"hardening"},
		forbidden: []string{"net/http", "database/sql", mod + "api", mod + "cli", mod + "ingest", mod + "web"},
	},
	{
		// The CSAF provider and the mirror read a store and write files
		// and bundles; serving and flags are the API's and the CLI's.
		pkgs:      []string{"csafprovider", "mirror"},
		forbidden: []string{"net/http", mod + "api", mod + "cli", mod + "ingest", mod + "web"},
	},
	{
		pkgs:      []string{"store"},
		forbidden: []string{"net/http", mod + "api", mod + "cli", mod + "ingest", mod + "web"},
	},
	{
		pkgs:      []string{"ingest", "api", "web", "task", "notify", "federation", "jobs"},
		forbidden: []string{mod + "cli", "github.com/spf13/cobra"},
	},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", "github.com/vmc-dev/vmc/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, r := range rules {
			if !covers(r.pkgs, rel) {
				continue
			}
			checked++
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") {
						t.Errorf("%s imports %s (directly or not); see ../shared/STYLE.md", rel, d)
					}
				}
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d packages matched a rule: the test is not looking where it should", checked)
	}
}

// covers reports whether rel is one of pkgs or below one.
func covers(pkgs []string, rel string) bool {
	for _, p := range pkgs {
		p = strings.TrimSuffix(p, "/")
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return true
		}
	}
	return false
}
