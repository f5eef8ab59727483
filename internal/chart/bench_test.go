package chart

import "testing"

// Each chart, with the fixtures of the golden tests, in English at the
// default size: SVG is what the dashboard asks for on every load, PNG
// what a PDF report asks for once per chart.

func BenchmarkOpenByPriority(b *testing.B) {
	benchmark(b, func(o Options) ([]byte, error) { return OpenByPriority(openFixture, o) })
}

func BenchmarkMTTRTrend(b *testing.B) {
	months := mttrFixture()
	benchmark(b, func(o Options) ([]byte, error) { return MTTRTrend(months, o) })
}

func BenchmarkIntakeBySource(b *testing.B) {
	benchmark(b, func(o Options) ([]byte, error) { return IntakeBySource(sourceFixture, 0, o) })
}

func BenchmarkExposureTrend(b *testing.B) {
	weeks := exposureFixture()
	benchmark(b, func(o Options) ([]byte, error) { return ExposureTrend(weeks, o) })
}

func benchmark(b *testing.B, render func(Options) ([]byte, error)) {
	for _, f := range formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render(Options{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
