package csaf

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCVSSVectors checks the calculators against Red Hat's test vectors
// (../shared/data/cvss/redhat-vectors; scores from FIRST's calculators):
// "VECTOR - (base, temporal, environmental)", with None where the vector
// has no temporal or environmental metrics.
func TestCVSSVectors(t *testing.T) {
	dir := sharedData(t, "cvss/redhat-vectors")
	for _, name := range []string{"vectors_simple2", "vectors_cvsslib2", "vectors_calculator2", "vectors_simple3", "vectors_cvsslib3", "vectors_simple31", "vectors_calculator3"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			vec, scores, ok := strings.Cut(line, " - ")
			if !ok {
				continue
			}
			want := strings.Split(strings.Trim(scores, "()"), ", ")
			var got cvssScores
			if strings.HasPrefix(vec, "CVSS:3") {
				version, v, err := parseV3(vec)
				if err != nil {
					t.Errorf("%s: %s: %v", name, vec, err)
					continue
				}
				got = scoreV3(version, v)
			} else {
				v, err := parseVector(vec, v2Metrics, 6)
				if err != nil {
					t.Errorf("%s: %s: %v", name, vec, err)
					continue
				}
				got = scoreV2(v)
			}
			for i, g := range []float64{got.base, got.temporal, got.environmental} {
				if want[i] == "None" {
					continue
				}
				w, err := strconv.ParseFloat(want[i], 64)
				if err != nil {
					t.Fatalf("%s: %q: %v", name, line, err)
				}
				if g != w {
					t.Errorf("%s: %s: score %d = %v, want %v", name, vec, i, g, w)
				}
			}
			n++
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if n == 0 {
			t.Errorf("%s: no vectors", name)
		}
	}
}

func TestParseVector(t *testing.T) {
	for _, tc := range []struct {
		vec     string
		wantErr string
	}{
		{vec: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
		{vec: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/MAV:P"},
		{vec: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", wantErr: "base metric A missing"},
		{vec: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", wantErr: "metric AV given twice"},
		{vec: "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", wantErr: `invalid value "Q" for metric AV`},
		{vec: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", wantErr: `unknown metric "XX"`},
		{vec: "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", wantErr: "vector does not start with CVSS:3.0/ or CVSS:3.1/"},
		{vec: "CVSS:3.1/", wantErr: `"" is not a metric`},
	} {
		_, _, err := parseV3(tc.vec)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.wantErr {
			t.Errorf("parseV3(%q) error = %q, want %q", tc.vec, got, tc.wantErr)
		}
	}
}
