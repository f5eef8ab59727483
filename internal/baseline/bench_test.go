package baseline

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkReadEvaluate reads a Debian 12 host's real files (sshd_config,
// sysctl -a, dpkg-query -W, systemctl list-unit-files: 2,300 lines) into
// a snapshot and evaluates every builtin baseline. BenchmarkLines, in the
// same run, only splits the same bytes into lines: the ratio of the two is
// what parsing and evaluation cost over reading.
func BenchmarkReadEvaluate(b *testing.B) {
	files, bs := benchInput(b)
	b.ResetTimer()
	for b.Loop() {
		s, err := Read(files, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, bl := range bs {
			Evaluate(bl, s, time.Time{})
		}
	}
}

func BenchmarkLines(b *testing.B) {
	files, _ := benchInput(b)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, f := range files {
			for range bytes.Lines(f.Data) {
				n++
			}
		}
	}
	_ = n
}

func benchInput(b *testing.B) ([]Source, []Baseline) {
	b.Helper()
	var files []Source
	for _, s := range readDir(b, "testdata/debian12") {
		// dpkg -l lists what dpkg-query -W does: one of them is enough.
		if !bytes.HasPrefix(s.Data, []byte("Desired=")) {
			files = append(files, s)
		}
	}
	bs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	return files, bs
}
