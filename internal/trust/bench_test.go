package trust

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
)

// benchList is an ima-ng list of n files in alg and a manifest expecting
// all but every hundredth, as a busy host's would be.
func benchList(alg Algorithm, n int) (string, string) {
	var l, m strings.Builder
	for i := range n {
		path := fmt.Sprintf("/usr/lib/x86_64-linux-gnu/lib%05d.so.1", i)
		line := measured(alg, path, path)
		l.WriteString(line + "\n")
		if i%100 != 0 {
			fields := strings.Fields(line)
			_, digest, _ := strings.Cut(fields[3], ":")
			fmt.Fprintf(&m, "%s %s %s\n", alg, digest, path)
		}
	}
	return l.String(), m.String()
}

// BenchmarkVerify parses a 20,000-entry list (recomputing every template
// hash) and its manifest and compares them; BenchmarkVerify/lines is the
// baseline, reading the same bytes line by line, so the ratio of the two
// is what parsing and checking cost over reading.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []Algorithm{SHA256, SM3} {
		list, manifest := benchList(alg, 20000)
		b.Run("lines/"+string(alg), func(b *testing.B) {
			b.SetBytes(int64(len(list) + len(manifest)))
			for b.Loop() {
				for _, s := range []string{list, manifest} {
					sc := bufio.NewScanner(strings.NewReader(s))
					for sc.Scan() {
					}
				}
			}
		})
		b.Run("verify/"+string(alg), func(b *testing.B) {
			b.SetBytes(int64(len(list) + len(manifest)))
			for b.Loop() {
				l, err := ParseIMA("l", strings.NewReader(list))
				if err != nil {
					b.Fatal(err)
				}
				m, err := ParseManifest("m", strings.NewReader(manifest))
				if err != nil {
					b.Fatal(err)
				}
				if r := Verify(l, m); len(r.Deviations) != 200 {
					b.Fatalf("%d deviations", len(r.Deviations))
				}
			}
		})
	}
}
