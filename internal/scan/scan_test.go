package scan

import (
	"strings"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{
		"Critical": SevCritical, " HIGH ": SevHigh, "important": SevHigh, "error": SevHigh,
		"Moderate": SevMedium, "warning": SevMedium, "Low": SevLow, "note": SevLow,
		"Informational": SevInfo, "None": SevInfo, "Negligible": SevInfo, "": SevUnknown, "4": SevUnknown,
	} {
		if got := ParseSeverity(in); got != want {
			t.Errorf("ParseSeverity(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeverityFromScore(t *testing.T) {
	for score, want := range map[float64]Severity{10: SevCritical, 9: SevCritical, 8.9: SevHigh, 7: SevHigh, 6.9: SevMedium, 4: SevMedium, 3.9: SevLow, 0.1: SevLow, 0: SevInfo} {
		if got := SeverityFromScore(score); got != want {
			t.Errorf("SeverityFromScore(%v) = %q, want %q", score, got, want)
		}
	}
}

func TestAddID(t *testing.T) {
	var r Result
	for _, id := range []string{"cve-2021-44228", "CVE-2021-44228", " ", "ghsa-JFH8-c2jp-5v3q", "cnvd-2021-95914", "RHSA-2022:0001"} {
		r.AddID(id)
	}
	want := []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "CNVD-2021-95914", "RHSA-2022:0001"}
	if strings.Join(r.IDs, ",") != strings.Join(want, ",") {
		t.Errorf("IDs = %q, want %q", r.IDs, want)
	}
}

func TestParseCWE(t *testing.T) {
	for in, want := range map[string]int{"CWE-79": 79, "cwe-89": 89, " 22 ": 22, "https://cwe.mitre.org/data/definitions/352.html": 352} {
		got, err := ParseCWE(in)
		if err != nil || got != want {
			t.Errorf("ParseCWE(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "CWE-", "CWE-abc", "NVD-CWE-Other", "12345678"} {
		if _, err := ParseCWE(in); err == nil {
			t.Errorf("ParseCWE(%q): no error", in)
		}
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("漏", MaxEvidence) // 3 bytes a rune
	got := Shorten(long)
	if len(got) > MaxEvidence+len(" …") || !strings.HasSuffix(got, " …") {
		t.Fatalf("Shorten: %d bytes", len(got))
	}
	if strings.ContainsRune(got, '\uFFFD') || !strings.HasPrefix(long, strings.TrimSuffix(got, " …")) {
		t.Error("Shorten cut inside a rune")
	}
	if Shorten("short") != "short" {
		t.Error("Shorten changed a short string")
	}
}

func TestNewXMLDecoderRefusesOtherEncodings(t *testing.T) {
	d := NewXMLDecoder(strings.NewReader(`<?xml version="1.0" encoding="GB2312"?><a/>`))
	_, err := d.Token()
	if err == nil || !strings.Contains(err.Error(), `"GB2312"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestXMLDecoderRefusesEntityDeclarations(t *testing.T) {
	d := NewXMLDecoder(strings.NewReader(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>`))
	_, err := d.Root("a")
	if err == nil || err.Error() != "malformed input: entity declarations (<!ENTITY>) are not allowed" {
		t.Fatalf("err = %v", err)
	}
	d = NewXMLDecoder(strings.NewReader(`<!DOCTYPE a><a/>`))
	if _, err := d.Root("a"); err != nil {
		t.Fatalf("a DOCTYPE without entities: %v", err)
	}
}
