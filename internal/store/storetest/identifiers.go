package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/store"
)

// testIdentifiers walks identifiers through their lives: reserved in two
// namespaces and two years, published naming a vulnerability, given a CVE
// later as an alias (found by it, never renumbered), rejected, with the
// moves each state refuses; every write in the audit log.
func testIdentifiers(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	gna := ident.Authority{GNA: 424}
	local := ident.Authority{Prefix: "ACME-VULN"}
	var got []string
	for _, r := range []struct {
		a    ident.Authority
		year int
	}{{gna, 2026}, {gna, 2026}, {local, 2026}, {gna, 2027}, {gna, 2026}} {
		x, err := s.ReserveIdentifier(ctx, r.a, r.year, "Upload filter bypass in shop-web", "alice")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, x.ID)
		c.tick()
	}
	want := []string{"GCVE-424-2026-0001", "GCVE-424-2026-0002", "ACME-VULN-2026-0001", "GCVE-424-2027-0001", "GCVE-424-2026-0003"}
	if !slices.Equal(got, want) {
		t.Errorf("allocated %v, want %v", got, want)
	}
	for _, bad := range []struct {
		a    ident.Authority
		year int
		by   string
	}{{ident.Authority{Prefix: "CVE"}, 2026, "alice"}, {ident.Authority{Prefix: "gcve-x"}, 2026, "alice"}, {gna, 20260, "alice"}, {gna, 2026, ""}} {
		if x, err := s.ReserveIdentifier(ctx, bad.a, bad.year, "", bad.by); !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("reserve %+v %d by %q: %v %v", bad.a, bad.year, bad.by, x.ID, err)
		}
	}

	id := want[0]
	if _, err := s.MoveIdentifier(ctx, id, ident.Move{To: ident.Rejected}, "alice"); !errors.Is(err, ident.ErrInvalid) {
		t.Errorf("a rejection without a reason: %v", err)
	}
	pub, err := s.MoveIdentifier(ctx, id, ident.Move{To: ident.Published, Vuln: "GHSA-jfh8-c2jp-5v3q"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if pub.State != ident.Published || pub.Vuln != "GHSA-jfh8-c2jp-5v3q" || !pub.Published.Equal(c.now()) {
		t.Errorf("published: %+v", pub)
	}
	if _, err := s.MoveIdentifier(ctx, id, ident.Move{To: ident.Published}, "alice"); !errors.Is(err, ident.ErrInvalid) {
		t.Errorf("published twice: %v", err)
	}
	c.tick()
	withCVE, err := s.AddIdentifierAlias(ctx, id, "CVE-2021-44228", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if withCVE.ID != id || !slices.Equal(withCVE.Aliases, []string{"CVE-2021-44228"}) {
		t.Errorf("with its CVE: %+v", withCVE)
	}
	if again, err := s.AddIdentifierAlias(ctx, id, "cve-2021-44228", "bob"); err != nil || len(again.Aliases) != 1 {
		t.Errorf("the same alias again: %+v %v", again, err)
	}
	if _, err := s.AddIdentifierAlias(ctx, want[1], "CVE-2021-44228", "bob"); !errors.Is(err, ident.ErrInvalid) {
		t.Errorf("another identifier's alias: %v", err)
	}
	if _, err := s.AddIdentifierAlias(ctx, want[1], want[0], "bob"); !errors.Is(err, ident.ErrInvalid) {
		t.Errorf("another identifier as alias: %v", err)
	}
	// Published, the identifier is a vulnerability id like any other,
	// merged with what it names and what was assigned later.
	v, err := s.Vuln(ctx, id, store.VulnOptions{})
	if err != nil || !slices.Contains(v.Aliases, "GHSA-jfh8-c2jp-5v3q") || !slices.Contains(v.Aliases, "CVE-2021-44228") {
		t.Errorf("vulnerability %s: %v %v", id, v.Aliases, err)
	}
	byCVE, err := s.Identifier(ctx, "cve-2021-44228")
	if err != nil || !cmp.Equal(byCVE, withCVE) {
		t.Errorf("found by its CVE -want +got:\n%s%v", cmp.Diff(withCVE, byCVE), err)
	}
	if _, err := s.Vuln(ctx, want[2], store.VulnOptions{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a reserved identifier is no vulnerability yet: %v", err)
	}
	if _, err := s.Identifier(ctx, "GCVE-424-2026-0099"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an identifier never allocated: %v", err)
	}
	c.tick()
	rej, err := s.MoveIdentifier(ctx, want[1], ident.Move{To: ident.Rejected, Reason: "duplicate of " + id}, "bob")
	if err != nil || rej.State != ident.Rejected || rej.Reason != "duplicate of "+id {
		t.Fatalf("rejected: %+v %v", rej, err)
	}
	for _, m := range []ident.Move{{To: ident.Published}, {To: ident.Rejected, Reason: "again"}, {To: ident.Reserved}} {
		if _, err := s.MoveIdentifier(ctx, want[1], m, "bob"); !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("rejected, then %+v: %v", m, err)
		}
	}
	if _, err := s.AddIdentifierAlias(ctx, want[1], "CVE-2026-0001", "bob"); !errors.Is(err, ident.ErrInvalid) {
		t.Errorf("an alias for a rejected identifier: %v", err)
	}
	// A rejected number is not handed out again.
	if next, err := s.ReserveIdentifier(ctx, gna, 2026, "", "alice"); err != nil || next.ID != "GCVE-424-2026-0004" {
		t.Errorf("after a rejection: %v %v", next.ID, err)
	}

	for _, q := range []struct {
		q    store.IdentifierQuery
		want []string
	}{
		{store.IdentifierQuery{State: ident.Published}, []string{id}},
		{store.IdentifierQuery{State: ident.Rejected}, []string{want[1]}},
		{store.IdentifierQuery{Namespace: "ACME-VULN"}, []string{"ACME-VULN-2026-0001"}},
		{store.IdentifierQuery{Limit: 2}, []string{"GCVE-424-2026-0004", want[4]}},
	} {
		l, err := s.ListIdentifiers(ctx, q.q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range l {
			ids = append(ids, x.ID)
		}
		if !slices.Equal(ids, q.want) {
			t.Errorf("list %+v = %v, want %v", q.q, ids, q.want)
		}
	}

	es, err := s.AuditOf(ctx, "identifier:"+id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action+" by "+e.Actor)
	}
	if w := []string{"identifier.reserve by alice", "identifier.published by alice", "identifier.alias by bob"}; !slices.Equal(actions, w) {
		t.Errorf("audit of %s: %v, want %v", id, actions, w)
	}
}

// testIdentifiersConcurrent reserves identifiers from many goroutines at
// once on one store, in two namespaces: none is handed out twice, none
// is skipped.
func testIdentifiersConcurrent(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	AllocateConcurrently(t, []store.Store{s}, 16, 8)
}

// AllocateConcurrently reserves perWorker identifiers from workers
// goroutines spread over stores — several stores opened on one database
// are several pools of connections, as several vmc processes would have —
// in two namespaces, and checks that each namespace's sequence is
// 1..n without a duplicate or a gap.
func AllocateConcurrently(t *testing.T, stores []store.Store, workers, perWorker int) {
	t.Helper()
	ctx := context.Background()
	auths := []ident.Authority{{GNA: 7}, {Prefix: "ACME"}}
	var (
		mu   sync.Mutex
		ids  []string
		wg   sync.WaitGroup
		errs = make(chan error, workers)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, a := stores[w%len(stores)], auths[w%len(auths)]
			for range perWorker {
				x, err := s.ReserveIdentifier(ctx, a, 2026, "", fmt.Sprintf("worker-%d", w))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				ids = append(ids, x.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	CheckSequences(t, ids, map[string]int{"GCVE-7": workers * perWorker / 2, "ACME": workers * perWorker / 2})
}

// CheckSequences checks that ids hold, for each namespace, exactly the
// sequence numbers 1..want[namespace] of year 2026, once each.
func CheckSequences(t *testing.T, ids []string, want map[string]int) {
	t.Helper()
	seen := map[string]bool{}
	count := map[string]int{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s handed out twice", id)
		}
		seen[id] = true
		ns, _, _, err := ident.Parse(id)
		if err != nil {
			t.Error(err)
		}
		count[ns]++
	}
	for ns, n := range want {
		if count[ns] != n {
			t.Errorf("%s: %d identifiers, want %d", ns, count[ns], n)
		}
		for i := 1; i <= n; i++ {
			if id := ident.Format(ns, 2026, int64(i)); !seen[id] {
				t.Errorf("%s was skipped", id)
			}
		}
	}
}

// allocatorEnv names, in a child test process, the database it reserves
// identifiers in.
const allocatorEnv = "VMC_TEST_IDENTIFIER_DSN"

// AllocateAcrossProcesses runs the test named test again in procs child
// processes of the test binary, each opening the database at dsn with
// open and reserving identifiers, while this process reserves from two
// stores of its own at the same time; then checks that no identifier was
// handed out twice and none skipped. It is how several vmc processes on
// one database are tested. In the child (when the environment names the
// database) it does the child's part, and the caller returns.
func AllocateAcrossProcesses(t *testing.T, test, dsn string, open func(dsn string) (store.Store, error)) {
	const procs, perProc = 3, 24
	auths := []ident.Authority{{GNA: 7}, {Prefix: "ACME"}}
	ctx := context.Background()
	reserve := func(s store.Store, n int, actor string) ([]string, error) {
		var ids []string
		for i := range n {
			x, err := s.ReserveIdentifier(ctx, auths[i%2], 2026, "", actor)
			if err != nil {
				return ids, err
			}
			ids = append(ids, x.ID)
		}
		return ids, nil
	}
	if child := os.Getenv(allocatorEnv); child != "" {
		s, err := open(child)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ids, err := reserve(s, perProc, fmt.Sprintf("process-%d", os.Getpid()))
		for _, id := range ids {
			fmt.Println("reserved", id)
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	type result struct {
		ids []string
		err error
	}
	results := make(chan result, procs+2)
	for p := range procs {
		go func() {
			cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), allocatorEnv+"="+dsn)
			out, err := cmd.CombinedOutput()
			var ids []string
			for _, line := range strings.Split(string(out), "\n") {
				if id, ok := strings.CutPrefix(line, "reserved "); ok {
					ids = append(ids, id)
				}
			}
			if err != nil {
				err = fmt.Errorf("process %d: %v:\n%s", p, err, out)
			}
			results <- result{ids, err}
		}()
	}
	for i := range 2 {
		s, err := open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		go func() {
			ids, err := reserve(s, perProc, fmt.Sprintf("pool-%d", i))
			results <- result{ids, err}
		}()
	}
	var ids []string
	for range procs + 2 {
		r := <-results
		if r.err != nil {
			t.Error(r.err)
		}
		ids = append(ids, r.ids...)
	}
	n := (procs + 2) * perProc / 2
	CheckSequences(t, ids, map[string]int{"GCVE-7": n, "ACME": n})
}
