package jvn_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

// result wraps vendors in a MyJVN product list.
func result(vendors ...string) string {
	return `<?xml version="1.0" encoding="UTF-8" ?>` + "\n" +
		`<Result version="3.3" xmlns="http://jvndb.jvn.jp/myjvn/Results" xmlns:status="http://jvndb.jvn.jp/myjvn/Status">` +
		`<VendorInfo xml:lang="ja">` + strings.Join(vendors, "\n") + `</VendorInfo>` +
		`<status:Status version="3.3" method="getProductList" lang="ja" retCd="0"/></Result>`
}

func TestParseProducts(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []jvn.Product
		wantErrs []string
	}{
		{
			name: "two vendors",
			in: result(`<Vendor vname="サン・マイクロシステムズ" cpe="cpe:/:sun" vid="1">
				<Product pname="Sun Cobalt RaQ2" cpe="cpe:/h:sun:sun_cobalt_raq_2" pid="16"/>
				<Product pname="Sun Cobalt RaQ3" cpe="cpe:/h:sun:sun_cobalt_raq_3" pid="17"></Product></Vendor>`,
				`<Vendor vname="マイクロソフト" cpe="cpe:/:microsoft" vid="2"><Product pname="Microsoft Access" cpe="cpe:/a:microsoft:access" pid="23"/></Vendor>`,
				`<Vendor vname="no products" cpe="cpe:/:none" vid="3"/>`),
			want: []jvn.Product{
				{Vid: "1", Vname: "サン・マイクロシステムズ", VCpe: "cpe:/:sun", Pid: "16", Pname: "Sun Cobalt RaQ2", PCpe: "cpe:/h:sun:sun_cobalt_raq_2"},
				{Vid: "1", Vname: "サン・マイクロシステムズ", VCpe: "cpe:/:sun", Pid: "17", Pname: "Sun Cobalt RaQ3", PCpe: "cpe:/h:sun:sun_cobalt_raq_3"},
				{Vid: "2", Vname: "マイクロソフト", VCpe: "cpe:/:microsoft", Pid: "23", Pname: "Microsoft Access", PCpe: "cpe:/a:microsoft:access"},
			},
		},
		{
			name: "vendor without vid, next vendor still read",
			in: result(`<Vendor vname="x" cpe="cpe:/:x"><Product pname="p" cpe="cpe:/a:x:p" pid="1"/></Vendor>`,
				`<Vendor vname="y" cpe="cpe:/:y" vid="9"><Product pname="q" cpe="cpe:/a:y:q" pid="2"/></Vendor>`),
			want:     []jvn.Product{{Vid: "9", Vname: "y", VCpe: "cpe:/:y", Pid: "2", Pname: "q", PCpe: "cpe:/a:y:q"}},
			wantErrs: []string{"#1: VendorInfo.Vendor[0].vid: malformed input: missing"},
		},
		{
			name:     "product without pid",
			in:       result(`<Vendor vname="x" cpe="cpe:/:x" vid="1"><Product pname="p" pid="1"/><Product pname="q" pid=" "/></Vendor>`),
			want:     []jvn.Product{{Vid: "1", Vname: "x", VCpe: "cpe:/:x", Pid: "1", Pname: "p"}},
			wantErrs: []string{"#2: VendorInfo.Vendor[0].Product[1].pid: malformed input: missing"},
		},
		{
			name:     "an advisory feed",
			in:       rss(item("JVNDB-2023-000001", "")),
			wantErrs: []string{"malformed input: document: root element {http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF, want {http://jvndb.jvn.jp/myjvn/Results}Result"},
		},
		{
			name:     "truncated",
			in:       cutBefore(result(`<Vendor vname="x" cpe="cpe:/:x" vid="1"><Product pname="p" pid="1"/><Product pname="q" pid="2"/></Vendor>`), `pname="q"`),
			want:     []jvn.Product{{Vid: "1", Vname: "x", VCpe: "cpe:/:x", Pid: "1", Pname: "p"}},
			wantErrs: []string{"malformed input: Vendor[0]: XML syntax error on line 2: unexpected EOF"},
		},
		{
			name:     "DOCTYPE",
			in:       `<!DOCTYPE Result [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + result(),
			wantErrs: []string{"malformed input: document: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []jvn.Product
			var gotErrs []string
			for p, err := range jvn.ParseProducts(strings.NewReader(tt.in)) {
				if err != nil {
					gotErrs = append(gotErrs, err.Error())
					if !errors.Is(err, feed.ErrFormat) {
						t.Errorf("error %q does not wrap feed.ErrFormat", err)
					}
					continue
				}
				got = append(got, p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("products (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseProductDictionary checks that Parse refuses the product
// dictionary fixture and Sniff turns it down: it holds no advisories.
func TestParseProductDictionary(t *testing.T) {
	const path = "testdata/product/myjvn_product_202311.rdf"
	f := openFixture(t, path)
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	if jvn.Sniff(path, head[:n]) {
		t.Error("Sniff = true")
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	var errs []error
	for rec, err := range jvn.Parse(path, f) {
		if err == nil {
			t.Errorf("yielded record %s", rec.ID)
			continue
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], feed.ErrFormat) {
		t.Errorf("errors = %v, want one wrapping feed.ErrFormat", errs)
	}
}
