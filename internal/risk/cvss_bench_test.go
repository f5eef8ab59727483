package risk

import "testing"

// BenchmarkParseCVSS parses and scores one vector of each version, each
// setting every metric group the version has.
func BenchmarkParseCVSS(b *testing.B) {
	for _, bm := range []struct{ name, vector string }{
		{"v2.0", "AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C/CDP:LM/TD:M/CR:H/IR:M/AR:L"},
		{"v3.0", "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/CR:H/MAV:A/MPR:H"},
		{"v3.1", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/CR:H/MAV:A/MPR:H"},
		{"v4.0", "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L/E:P/CR:L/IR:H/MAV:L/MSI:S/AU:Y"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			if _, err := ParseCVSS(bm.vector); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				ParseCVSS(bm.vector)
			}
		})
	}
}
