package advisory

import "testing"

func TestRecords(t *testing.T) {
	p := func(src, rec string) Provenance { return Provenance{Source: src, Record: rec} }
	v := Vulnerability{
		ID:      "CVE-2021-44228",
		Sources: []SourceRef{{Source: "cve5", Record: "CVE-2021-44228"}, {Source: "cnvd", Record: "CNVD-2021-95914"}},
		Fields: []FieldView{
			{Field: FieldTitle, Key: "en", Claims: []Claim{{Field: FieldTitle, Key: "en", Value: []byte(`"Log4Shell"`), Provenance: p("cve5", "CVE-2021-44228")}}},
			{Field: FieldTitle, Key: "zh-CN", Claims: []Claim{{Field: FieldTitle, Key: "zh-CN", Value: []byte(`"远程代码执行"`), Provenance: p("cnvd", "CNVD-2021-95914")}}},
		},
		History: []Claim{{Field: FieldTitle, Key: "en", Value: []byte(`"old"`), Provenance: p("cve5", "CVE-2021-44228")},
			{Field: FieldTitle, Value: []byte(`"orphan"`), Provenance: p("nvd", "CVE-2021-44228")}},
	}
	got := v.Records()
	if len(got) != 2 || got[0].Source != "cve5" || len(got[0].Claims) != 2 || string(got[0].Claims[1].Value) != `"old"` ||
		got[1].Source != "cnvd" || len(got[1].Claims) != 1 {
		t.Errorf("Records() = %+v", got)
	}
}
