package jvn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// rssLang wraps items in an RSS feed whose root says xml:lang="lang", or
// nothing when lang is empty.
func rssLang(lang string, items ...string) string {
	attr := ""
	if lang != "" {
		attr = ` xml:lang="` + lang + `"`
	}
	return `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:sec="http://jvn.jp/rss/mod_sec/"` + attr + ">\n" +
		`<channel rdf:about="https://jvndb.jvn.jp/ja/rss/jvndb.rdf"><title>JVNDB RSS Feed</title><items><rdf:Seq/></items></channel>` + "\n" +
		strings.Join(items, "\n") + "\n</rdf:RDF>\n"
}

// rss wraps items in a Japanese RSS feed, as JVN publishes it.
func rss(items ...string) string { return xmlDecl + rssLang("ja", items...) }

// item is an RSS item with the given sec:identifier and further elements.
func item(id, body string) string {
	return `<item rdf:about="https://jvndb.jvn.jp/ja/contents/x.html"><sec:identifier>` + id + `</sec:identifier>` + body + `</item>`
}

// vuldef wraps entries in a VULDEF document, as the detail feeds have them.
func vuldef(entries ...string) string {
	return xmlDecl + `<VULDEF-Document version="3.2" xmlns="http://jvn.jp/vuldef/" xmlns:vuldef="http://jvn.jp/vuldef/"` +
		` xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/" xmlns:status="http://jvndb.jvn.jp/myjvn/Status" xml:lang="ja">` + "\n" +
		strings.Join(entries, "\n") +
		`<sec:handling><marking xmlns="http://data-marking.mitre.org/Marking-1"/></sec:handling>` +
		`<status:Status version="3.3" method="getVulnDetailInfo" lang="ja" retCd="0"/>` + "\n</VULDEF-Document>\n"
}

// vulinfo is a Vulinfo with the given id and VulinfoData content.
func vulinfo(id, data string) string {
	return `<Vulinfo><VulinfoID>` + id + `</VulinfoID><VulinfoData>` + data + `</VulinfoData></Vulinfo>`
}

// cutBefore cuts s short just before the first sep.
func cutBefore(s, sep string) string {
	before, _, _ := strings.Cut(s, sep)
	return before
}

func jst(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.FixedZone("JST", 9*3600)).UTC()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "RSS item",
			in: rss(`<item rdf:about="https://jvndb.jvn.jp/ja/contents/2023/JVNDB-2023-000001.html">
<title> ruby-git における複数のコードインジェクションの脆弱性 </title>
<link>https://jvndb.jvn.jp/ja/contents/2023/JVNDB-2023-000001.html</link>
<description>一行目&#13;
二行目&#13;
</description>
<sec:identifier> JVNDB-2023-000001 </sec:identifier>
<sec:references source="JVN" id="JVN#16765254">https://jvn.jp/jp/JVN16765254/index.html</sec:references>
<sec:references source="CVE" id="CVE-2022-46648">https://www.cve.org/CVERecord?id=CVE-2022-46648</sec:references>
<sec:references source="NVD" id="CVE-2022-46648">https://nvd.nist.gov/vuln/detail/CVE-2022-46648</sec:references>
<sec:references source="CVE" id="CVE-2022-47318">https://nvd.nist.gov/vuln/detail/CVE-2022-46648</sec:references>
<sec:references source="関連文書" id="CVE-2022-1111 &amp; CVE-2022-2222: a write-up">https://example.com/blog</sec:references>
<sec:references source="BID" id="45639"> </sec:references>
<sec:references title="コード・インジェクション(CWE-94)" id="CWE-94">https://jvndb.jvn.jp/ja/cwe/CWE-94.html</sec:references>
<sec:references title="情報不足(CWE-noinfo)" id="CWE-noinfo">https://www.ipa.go.jp/security/vuln/scap/cwe.html</sec:references>
<sec:cpe version="2.2" vendor="ruby-git" product="ruby-git">cpe:/a:misc:ruby-git_ruby-git</sec:cpe>
<sec:cpe version="2.2" vendor="" product=""> </sec:cpe>
<sec:cvss version="2.0" score="6.0" type="Base" severity="Medium" vector="AV:N/AC:M/Au:S/C:P/I:P/A:P"/>
<sec:cvss version="3.0" score="5.5" type="Base" severity="Medium" vector="CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L"/>
<sec:cvss version="3.0" score="5.0" type="Temporal" severity="Medium" vector="CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L/E:U"/>
<dc:date>2023-11-03T12:02+09:00</dc:date>
<dcterms:issued>2023-01-05T12:02+09:00</dcterms:issued>
<dcterms:modified>2023-11-03T12:02:30+09:00</dcterms:modified>
</item>`),
			want: []advisory.Record{{
				Source: "jvn", ID: "JVNDB-2023-000001",
				Published: jst(2023, 1, 5, 12, 2, 0), Modified: jst(2023, 11, 3, 12, 2, 30),
				// CVE-2022-47318 is a CVE reference's id, though its URL
				// repeats another's: the id counts, the link once.
				Aliases:      []string{"CVE-2022-46648", "CVE-2022-47318"},
				Titles:       []advisory.Text{{Lang: "ja", Value: "ruby-git における複数のコードインジェクションの脆弱性"}},
				Descriptions: []advisory.Text{{Lang: "ja", Value: "一行目\n二行目"}},
				CWEs:         []advisory.CWE{{ID: "CWE-94", Description: "コード・インジェクション"}, {ID: "CWE-noinfo", Description: "情報不足"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:M/Au:S/C:P/I:P/A:P", Score: 6, Rating: "Medium", Provider: "JVN"},
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L", Score: 5.5, Rating: "Medium", Provider: "JVN"},
				},
				Affected: []advisory.Affected{{Vendor: "ruby-git", Product: "ruby-git", CPEs: []string{"cpe:/a:misc:ruby-git_ruby-git"}}},
				References: []advisory.Reference{
					{Type: "ADVISORY", URL: "https://jvn.jp/jp/JVN16765254/index.html", Tags: []string{"JVN"}},
					{Type: "ADVISORY", URL: "https://www.cve.org/CVERecord?id=CVE-2022-46648", Tags: []string{"CVE"}},
					{Type: "ADVISORY", URL: "https://nvd.nist.gov/vuln/detail/CVE-2022-46648", Tags: []string{"NVD"}},
					{Type: "WEB", URL: "https://example.com/blog", Tags: []string{"関連文書"}},
				},
			}},
		},
		{
			name: "RSS item with nothing but its id",
			in:   rss(item("JVNDB-2007-000127", `<title/><description>  </description><sec:references/><dcterms:issued></dcterms:issued>`)),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2007-000127"}},
		},
		{
			name: "English feed",
			in:   xmlDecl + rssLang("en", item("JVNDB-2023-000001", `<title>Multiple code injection vulnerabilities in ruby-git</title>`)),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001",
				Titles: []advisory.Text{{Lang: "en", Value: "Multiple code injection vulnerabilities in ruby-git"}}}},
		},
		{
			name: "an item's own xml:lang wins",
			in: rss(`<item xml:lang="en"><sec:identifier>JVNDB-2023-000001</sec:identifier><title>in English</title></item>`,
				item("JVNDB-2023-000002", `<title>日本語で</title>`)),
			want: []advisory.Record{
				{Source: "jvn", ID: "JVNDB-2023-000001", Titles: []advisory.Text{{Lang: "en", Value: "in English"}}},
				{Source: "jvn", ID: "JVNDB-2023-000002", Titles: []advisory.Text{{Lang: "ja", Value: "日本語で"}}},
			},
		},
		{
			name: "no xml:lang means Japanese",
			in:   rssLang("", item("JVNDB-2023-000001", `<title>脆弱性</title>`)),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001",
				Titles: []advisory.Text{{Lang: "ja", Value: "脆弱性"}}}},
		},
		{
			name: "CVSS 3.1 and 4.0, JVN's own CWE ids",
			in: rss(item("JVNDB-2024-000001", `
<sec:references title="不適切な設計(CWE-DesignError)" id="CWE-DesignError">https://jvndb.jvn.jp/ja/cwe/CWE-DesignError.html</sec:references>
<sec:references title="no suffix" id="CWE-Other">https://jvndb.jvn.jp/ja/cwe/CWE-Other.html</sec:references>
<sec:cvss version="3.1" score="7.5" type="Base" severity="High" vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"/>
<sec:cvss version="4.0" score="8.7" severity="High" vector="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"/>`)),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2024-000001",
				CWEs: []advisory.CWE{{ID: "CWE-DesignError", Description: "不適切な設計"}, {ID: "CWE-Other", Description: "no suffix"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: 7.5, Rating: "High", Provider: "JVN"},
					{Type: advisory.CVSSv40, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", Score: 8.7, Rating: "High", Provider: "JVN"},
				}}},
		},

		// Bad RSS items: one error each, naming the item and the field,
		// and the next item is still read.
		{
			name:     "RSS item without identifier",
			in:       rss(`<item><title>x</title></item>`, item("JVNDB-2023-000002", "")),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000002"}},
			wantErrs: []string{"#1: sec:identifier: malformed input: missing"},
		},
		{
			name:     "RSS item with a JVN id for identifier",
			in:       rss(item("JVNDB-2023-000001", ""), item("JVN#16765254", "")),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{`#2: sec:identifier: malformed input: not a JVNDB id: "JVN#16765254"`},
		},
		{
			name:     "RSS item with a path for identifier",
			in:       rss(item("JVNDB-2023-000001/../../etc", "")),
			wantErrs: []string{`#1: sec:identifier: malformed input: not a JVNDB id: "JVNDB-2023-000001/../../etc"`},
		},
		{
			name:     "RSS item with a long identifier, cut in the message",
			in:       rss(item(strings.Repeat("脆", 30), "")),
			wantErrs: []string{`#1: sec:identifier: malformed input: not a JVNDB id: "` + strings.Repeat("脆", 13) + `..."`},
		},
		{
			name:     "bad dcterms:issued",
			in:       rss(item("JVNDB-2023-000001", `<dcterms:issued>2023/01/05</dcterms:issued>`)),
			wantErrs: []string{`JVNDB-2023-000001: dcterms:issued: malformed input: invalid time "2023/01/05"`},
		},
		{
			name:     "dcterms:modified before year 1 in UTC",
			in:       rss(item("JVNDB-2023-000001", `<dcterms:modified>0000-01-01T00:00+09:00</dcterms:modified>`)),
			wantErrs: []string{`JVNDB-2023-000001: dcterms:modified: malformed input: invalid time "0000-01-01T00:00+09:00"`},
		},
		{
			name:     "unknown CVSS version",
			in:       rss(item("JVNDB-2023-000001", `<sec:cvss version="5.0" score="1.0" type="Base" severity="Low" vector="CVSS:5.0/AV:N"/>`)),
			wantErrs: []string{`JVNDB-2023-000001: sec:cvss[0].version: malformed input: unknown CVSS version "5.0"`},
		},
		{
			name:     "v3 vector on a v2 score",
			in:       rss(item("JVNDB-2023-000001", `<sec:cvss version="2.0" score="9.8" type="Base" severity="High" vector="CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"/>`)),
			wantErrs: []string{`JVNDB-2023-000001: sec:cvss[0].vector: malformed input: vector "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" does not match CVSS version 2.0`},
		},
		{
			name:     "3.1 vector on a 3.0 score",
			in:       rss(item("JVNDB-2023-000001", `<sec:cvss version="3.0" score="9.8" type="Base" severity="Critical" vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"/>`)),
			wantErrs: []string{`JVNDB-2023-000001: sec:cvss[0].vector: malformed input: vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" does not match CVSS version 3.0`},
		},
		{
			name: "CVSS without vector",
			in: rss(item("JVNDB-2023-000001", `<sec:cvss version="2.0" score="5.0" type="Base" severity="Medium" vector="AV:N/AC:L/Au:N/C:P/I:N/A:N"/>`+
				`<sec:cvss version="3.0" score="5.3" type="Base" severity="Medium"/>`)),
			wantErrs: []string{"JVNDB-2023-000001: sec:cvss[1].vector: malformed input: missing"},
		},
		{
			name:     "CVSS score out of range",
			in:       rss(item("JVNDB-2023-000001", `<sec:cvss version="2.0" score="11" type="Base" severity="High" vector="AV:N/AC:L/Au:N/C:C/I:C/A:C"/>`)),
			wantErrs: []string{`JVNDB-2023-000001: sec:cvss[0].score: malformed input: invalid score "11"`},
		},
		{
			name:     "CVSS score NaN",
			in:       rss(item("JVNDB-2023-000001", `<sec:cvss version="2.0" score="NaN" type="Base" severity="High" vector="AV:N/AC:L/Au:N/C:C/I:C/A:C"/>`)),
			wantErrs: []string{`JVNDB-2023-000001: sec:cvss[0].score: malformed input: invalid score "NaN"`},
		},

		{
			name: "detail entry",
			in: vuldef(vulinfo("JVNDB-2022-000002", `
<Title>WordPress 用プラグイン Quiz And Survey Master における複数の脆弱性</Title>
<VulinfoDescription><Overview>ExpressTech が提供する ... 複数の脆弱性が存在します。 </Overview></VulinfoDescription>
<Affected>
  <AffectedItem><Name>ExpressTech</Name><ProductName>Quiz And Survey Master</ProductName>
    <Cpe version="2.2">cpe:/a:expresstech:quiz_and_survey_master</Cpe>
    <VersionNumber>7.3.7 より前のバージョン</VersionNumber><VersionNumber/><VersionNumber>8.0</VersionNumber></AffectedItem>
  <AffectedItem><Name>キヤノン</Name><ProductName>(複数の製品)</ProductName><VersionNumber/></AffectedItem>
</Affected>
<Impact>
  <Cvss version="2.0"><Severity type="Base">Medium</Severity><Base>4</Base><Vector>AV:N/AC:L/Au:S/C:N/I:P/A:N</Vector></Cvss>
  <Cvss version="3.0"><Severity type="Base">Medium</Severity><Base>5.4</Base><Vector>CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N</Vector></Cvss>
  <ImpactItem><Description>意図しない操作をさせられる</Description></ImpactItem>
  <ImpactItem><Description>任意のスクリプトを実行される</Description></ImpactItem>
</Impact>
<Solution><SolutionItem><Description>[アップデートする] 最新版にアップデートしてください。</Description></SolutionItem></Solution>
<Related>
  <RelatedItem type="vendor"><Name>ExpressTech</Name><VulinfoID>Quiz And Survey Master</VulinfoID><URL>https://quizandsurveymaster.com/</URL></RelatedItem>
  <RelatedItem type="advisory"><Name>Common Vulnerabilities and Exposures (CVE)</Name><VulinfoID>CVE-2022-0180</VulinfoID><URL>https://www.cve.org/CVERecord?id=CVE-2022-0180</URL></RelatedItem>
  <RelatedItem type="advisory"><Name>National Vulnerability Database (NVD)</Name><VulinfoID>CVE-2022-0180</VulinfoID><URL>https://nvd.nist.gov/vuln/detail/CVE-2022-0180</URL></RelatedItem>
  <RelatedItem type="advisory"><Name>関連文書</Name><VulinfoID>github.com (6cc6550)</VulinfoID><URL>https://github.com/o/r/commit/6cc6550</URL></RelatedItem>
  <RelatedItem type="cwe"><Name>JVNDB</Name><VulinfoID>CWE-79</VulinfoID><Title>クロスサイトスクリプティング</Title><URL>https://jvndb.jvn.jp/ja/cwe/CWE-79.html</URL></RelatedItem>
  <RelatedItem type="cwe"><Name>JVNDB</Name><VulinfoID>CWE-79</VulinfoID><Title>repeated</Title></RelatedItem>
</Related>
<History><HistoryItem><HistoryNo>1</HistoryNo><DateTime>2022-01-12T12:23:37+09:00</DateTime><Description>[2022年1月12日]\n  掲載</Description></HistoryItem></History>
<DateFirstPublished>2022-01-12T12:08:20+09:00</DateFirstPublished>
<DateLastUpdated>2022-01-13T12:08:20+09:00</DateLastUpdated>
<DatePublic>2022-01-12T00:00:00+09:00</DatePublic>`)),
			want: []advisory.Record{{
				Source: "jvn", ID: "JVNDB-2022-000002",
				Published: jst(2022, 1, 12, 12, 8, 20), Modified: jst(2022, 1, 13, 12, 8, 20),
				Aliases:      []string{"CVE-2022-0180"},
				Titles:       []advisory.Text{{Lang: "ja", Value: "WordPress 用プラグイン Quiz And Survey Master における複数の脆弱性"}},
				Descriptions: []advisory.Text{{Lang: "ja", Value: "ExpressTech が提供する ... 複数の脆弱性が存在します。"}},
				CWEs:         []advisory.CWE{{ID: "CWE-79", Description: "クロスサイトスクリプティング"}},
				Severities: []advisory.Severity{
					{Type: advisory.CVSSv2, Vector: "AV:N/AC:L/Au:S/C:N/I:P/A:N", Score: 4, Rating: "Medium", Provider: "JVN"},
					{Type: advisory.CVSSv30, Vector: "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", Score: 5.4, Rating: "Medium", Provider: "JVN"},
				},
				Affected: []advisory.Affected{
					{Vendor: "ExpressTech", Product: "Quiz And Survey Master", CPEs: []string{"cpe:/a:expresstech:quiz_and_survey_master"},
						Text: "7.3.7 より前のバージョン\n8.0"},
					{Vendor: "キヤノン", Product: "(複数の製品)"},
				},
				References: []advisory.Reference{
					{Type: "ADVISORY", URL: "https://quizandsurveymaster.com/", Tags: []string{"ExpressTech"}},
					{Type: "ADVISORY", URL: "https://www.cve.org/CVERecord?id=CVE-2022-0180", Tags: []string{"Common Vulnerabilities and Exposures (CVE)"}},
					{Type: "ADVISORY", URL: "https://nvd.nist.gov/vuln/detail/CVE-2022-0180", Tags: []string{"National Vulnerability Database (NVD)"}},
					{Type: "WEB", URL: "https://github.com/o/r/commit/6cc6550", Tags: []string{"関連文書"}},
				},
				Notes: []advisory.Note{
					{Category: "impact", Text: "意図しない操作をさせられる\n任意のスクリプトを実行される", Lang: "ja"},
					{Category: "solution", Text: "[アップデートする] 最新版にアップデートしてください。", Lang: "ja"},
				},
			}},
		},
		{
			name:     "detail entry without VulinfoID",
			in:       vuldef(`<Vulinfo><VulinfoData><Title>x</Title></VulinfoData></Vulinfo>`, vulinfo("JVNDB-2022-000002", "")),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2022-000002"}},
			wantErrs: []string{"#1: VulinfoID: malformed input: missing"},
		},
		{
			name:     "detail CWE item without a CWE id",
			in:       vuldef(vulinfo("JVNDB-2022-000001", `<Related><RelatedItem type="cwe"><Name>JVNDB</Name><VulinfoID>79</VulinfoID></RelatedItem></Related>`)),
			wantErrs: []string{`JVNDB-2022-000001: VulinfoData.Related.RelatedItem[0].VulinfoID: malformed input: not a CWE id: "79"`},
		},
		{
			name:     "bad DateLastUpdated",
			in:       vuldef(vulinfo("JVNDB-2022-000001", `<DateLastUpdated>yesterday</DateLastUpdated>`)),
			wantErrs: []string{`JVNDB-2022-000001: VulinfoData.DateLastUpdated: malformed input: invalid time "yesterday"`},
		},
		{
			name:     "bad DateFirstPublished",
			in:       vuldef(vulinfo("JVNDB-2022-000001", `<DateFirstPublished>2022-01-12</DateFirstPublished>`)),
			wantErrs: []string{`JVNDB-2022-000001: VulinfoData.DateFirstPublished: malformed input: invalid time "2022-01-12"`},
		},
		{
			name: "bad detail base score",
			in: vuldef(vulinfo("JVNDB-2022-000001", `<Impact><Cvss version="3.0"><Severity type="Base">High</Severity>`+
				`<Base>high</Base><Vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N</Vector></Cvss></Impact>`)),
			wantErrs: []string{`JVNDB-2022-000001: VulinfoData.Impact.Cvss[0].Base: malformed input: invalid score "high"`},
		},
		{
			name:     "detail CVSS of unknown version",
			in:       vuldef(vulinfo("JVNDB-2022-000001", `<Impact><Cvss><Severity type="Base">High</Severity><Base>7</Base><Vector>AV:N</Vector></Cvss></Impact>`)),
			wantErrs: []string{`JVNDB-2022-000001: VulinfoData.Impact.Cvss[0].version: malformed input: unknown CVSS version ""`},
		},

		// Documents that cannot be read: one error, and records read
		// before the damage are kept.
		{
			name:     "not XML",
			in:       "hello",
			wantErrs: []string{"malformed input: document: text before the root element"},
		},
		{
			name:     "JSON",
			in:       `{"vulnerabilities":[]}`,
			wantErrs: []string{"malformed input: document: text before the root element"},
		},
		{
			name:     "empty",
			in:       "",
			wantErrs: []string{"malformed input: document: no root element"},
		},
		{
			name:     "declaration only",
			in:       xmlDecl + "\n  ",
			wantErrs: []string{"malformed input: document: no root element"},
		},
		{
			name:     "other XML",
			in:       xmlDecl + `<rss version="2.0"><channel/></rss>`,
			wantErrs: []string{"malformed input: feed.rdf: root element rss is neither an RSS feed's rdf:RDF nor a detail feed's VULDEF-Document"},
		},
		{
			name:     "RDF in no namespace",
			in:       `<RDF><item><identifier>JVNDB-2023-000001</identifier></item></RDF>`,
			wantErrs: []string{"malformed input: feed.rdf: root element RDF is neither an RSS feed's rdf:RDF nor a detail feed's VULDEF-Document"},
		},
		{
			name:     "product dictionary",
			in:       `<Result version="3.3" xmlns="http://jvndb.jvn.jp/myjvn/Results"><VendorInfo/></Result>`,
			wantErrs: []string{"malformed input: feed.rdf: a MyJVN result such as the product dictionary, which holds no advisories"},
		},
		{
			name:     "truncated inside an item",
			in:       cutBefore(rss(item("JVNDB-2023-000001", ""), item("JVNDB-2023-000002", "")), "JVNDB-2023-000002"),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{"malformed input: item[1]: XML syntax error on line 5: unexpected EOF"},
		},
		{
			name:     "truncated after the items",
			in:       strings.TrimSuffix(rss(item("JVNDB-2023-000001", "")), "</rdf:RDF>\n"),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{"malformed input: document: XML syntax error on line 5: unexpected EOF"},
		},
		{
			name:     "mismatched tags in an item",
			in:       rss(item("JVNDB-2023-000001", "<title>x</description>")),
			wantErrs: []string{"malformed input: item[0]: XML syntax error on line 4: element <title> closed by </description>"},
		},
		{
			name:     "data after the root element",
			in:       rss(item("JVNDB-2023-000001", "")) + `<rdf:RDF/>`,
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{"malformed input: document: data after the root element"},
		},
		{
			name:     "another encoding",
			in:       `<?xml version="1.0" encoding="Shift_JIS"?>` + rssLang("ja"),
			wantErrs: []string{`malformed input: document: xml: encoding "Shift_JIS" declared but Decoder.CharsetReader is nil`},
		},
		{
			name: "byte order mark",
			in:   "\ufeff" + rss(item("JVNDB-2023-000001", "")),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
		},
		{
			name:     "elements nested without end inside an item",
			in:       rss(item("JVNDB-2023-000001", ""), item("JVNDB-2023-000002", "<title>"+strings.Repeat("<a>", 100)+strings.Repeat("</a>", 100)+"</title>")),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{"malformed input: item[1]: elements nested deeper than 64"},
		},
		{
			name: "elements nested 64 deep",
			in: rss(item("JVNDB-2023-000001", strings.Repeat("<a>", 62)+strings.Repeat("</a>", 62)),
				`<image>`+strings.Repeat("<a>", 62)+strings.Repeat("</a>", 62)+`</image>`),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
		},
		{
			name:     "elements nested without end outside the items",
			in:       rss(`<image>` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</image>`),
			wantErrs: []string{"malformed input: image: elements nested deeper than 64"},
		},

		// Hostile XML. encoding/xml never reads a DOCTYPE's declarations,
		// so nothing is read or expanded; Parse refuses the DOCTYPE itself
		// so that the error says why.
		{
			name: "external entity",
			in: xmlDecl + `<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + "\n" +
				rssLang("ja", item("JVNDB-2023-000001", "<title>&x;</title>")),
			wantErrs: []string{"malformed input: document: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)"},
		},
		{
			name: "billion laughs",
			in: xmlDecl + `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
				`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` + "\n" +
				rssLang("ja", item("JVNDB-2023-000001", "<title>&lol3;</title>")),
			wantErrs: []string{"malformed input: document: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)"},
		},
		{
			name:     "DOCTYPE on two lines",
			in:       "<!DOCTYPE\nrdf:RDF>" + rss(),
			wantErrs: []string{"malformed input: document: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)"},
		},
		{
			name: "xml:lang that is no language tag",
			in:   rssLang("ja", `<item xml:lang="&lt;script&gt;"><sec:identifier>JVNDB-2023-000001</sec:identifier><title>t</title></item>`),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001", Titles: []advisory.Text{{Lang: "ja", Value: "t"}}}},
		},
		{
			name:     "DOCTYPE of a detail feed",
			in:       `<!DOCTYPE VULDEF-Document SYSTEM "http://example.com/vuldef.dtd">` + vuldef(vulinfo("JVNDB-2022-000001", "")),
			wantErrs: []string{"malformed input: document: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)"},
		},
		{
			name:     "entity declared between items",
			in:       rss(item("JVNDB-2023-000001", ""), `<!ENTITY x SYSTEM "file:///etc/passwd">`, item("JVNDB-2023-000002", "")),
			want:     []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001"}},
			wantErrs: []string{"malformed input: document: unexpected <!ENTITY> declaration"},
		},
		{
			name:     "empty declaration",
			in:       rss("<! >"),
			wantErrs: []string{"malformed input: document: unexpected <!> declaration"},
		},
		{
			name:     "undeclared entity",
			in:       rss(item("JVNDB-2023-000001", "<title>&x;</title>")),
			wantErrs: []string{"malformed input: item[0]: XML syntax error on line 4: invalid character entity &x;"},
		},
		{
			name:     "HTML entity",
			in:       rss(item("JVNDB-2023-000001", "<title>a&nbsp;b</title>")),
			wantErrs: []string{"malformed input: item[0]: XML syntax error on line 4: invalid character entity &nbsp;"},
		},
		{
			name: "XML's own entities and character references",
			in:   rss(item("JVNDB-2023-000001", "<title>&lt;script&gt; &amp; &quot;x&apos; &#x3042;&#12354;</title>")),
			want: []advisory.Record{{Source: "jvn", ID: "JVNDB-2023-000001",
				Titles: []advisory.Text{{Lang: "ja", Value: `<script> & "x' ああ`}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feedtest.Expect(t, jvn.Parse("feed.rdf", strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseRecordErrorFields checks that record problems come as
// *feed.RecordError with Record and Field set apart, which is what the
// import report groups by.
func TestParseRecordErrorFields(t *testing.T) {
	_, errs := feedtest.Collect(jvn.Parse("feed.rdf", strings.NewReader(
		rss(item("JVNDB-2023-000001", `<dcterms:issued>soon</dcterms:issued>`)))))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1", len(errs))
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Fatalf("%v is not a *feed.RecordError", errs[0])
	}
	if re.Record != "JVNDB-2023-000001" || re.Field != "dcterms:issued" {
		t.Errorf("Record, Field = %q, %q; want JVNDB-2023-000001, dcterms:issued", re.Record, re.Field)
	}
}

// TestParseTooLarge feeds an item just over the 16 MiB limit. It must be
// refused without being buffered whole, and since the decoder cannot skip
// it, the document ends there.
func TestParseTooLarge(t *testing.T) {
	big := item("JVNDB-2023-000002", "<description>"+strings.Repeat("a", 16<<20)+"</description>")
	in := rss(item("JVNDB-2023-000001", ""), big, item("JVNDB-2023-000003", ""))
	got, errs := feedtest.Collect(jvn.Parse("big.rdf", strings.NewReader(in)))
	if len(got) != 1 || got[0].ID != "JVNDB-2023-000001" {
		t.Errorf("got %d records, want only JVNDB-2023-000001", len(got))
	}
	want := "#2: malformed input: item larger than 16 MiB"
	if len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errors = %v, want [%s]", errs, want)
	}
	var re *feed.RecordError
	if !errors.As(errs[0], &re) {
		t.Errorf("%v is not a *feed.RecordError", errs[0])
	}
}

// TestParseTooLargeOutsideItems checks that the limit holds for a single
// token between items too, here a channel title.
func TestParseTooLargeOutsideItems(t *testing.T) {
	in := rss(`<image><title>` + strings.Repeat("a", 16<<20) + `</title></image>`)
	_, errs := feedtest.Collect(jvn.Parse("big.rdf", strings.NewReader(in)))
	want := "malformed input: image: larger than 16 MiB"
	if len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errors = %v, want [%s]", errs, want)
	}
}

// TestParseNearLimit checks that an item of exactly 16 MiB after its
// start tag passes.
func TestParseNearLimit(t *testing.T) {
	head := `<sec:identifier>JVNDB-2023-000001</sec:identifier><description>`
	tail := `</description></item>`
	big := `<item>` + head + strings.Repeat("a", 16<<20-len(head)-len(tail)) + tail
	got, errs := feedtest.Collect(jvn.Parse("big.rdf", strings.NewReader(rss(big, item("JVNDB-2023-000002", "")))))
	if len(errs) != 0 || len(got) != 2 {
		t.Errorf("got %d records and errors %v, want 2 and none", len(got), errs)
	}
}

// failingReader returns its data, then fails the way a broken download or
// a corrupt gzip stream does.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestParseReadError checks that a failing reader is reported as itself,
// not as malformed input: the importer retries the one and rejects the
// other.
func TestParseReadError(t *testing.T) {
	errBroken := errors.New("unexpected EOF in gzip stream")
	in := &failingReader{data: cutBefore(rss(item("JVNDB-2023-000001", ""), item("JVNDB-2023-000002", "")), "JVNDB-2023-000002"), err: errBroken}
	got, errs := feedtest.Collect(jvn.Parse("feed.rdf.gz", in))
	if len(got) != 1 {
		t.Errorf("got %d records, want 1", len(got))
	}
	if len(errs) != 1 || !errors.Is(errs[0], errBroken) || errors.Is(errs[0], feed.ErrFormat) {
		t.Fatalf("errors = %v, want one wrapping the reader's error and not feed.ErrFormat", errs)
	}
	if want := "read item[1]: unexpected EOF in gzip stream"; errs[0].Error() != want {
		t.Errorf("error = %q, want %q", errs[0], want)
	}
}

// TestParseStops checks that Parse stops reading when the consumer stops.
func TestParseStops(t *testing.T) {
	in := rss(item("JVNDB-2023-000001", ""), item("JVNDB-2023-000002", ""), "<item>not closed")
	n := 0
	for _, err := range jvn.Parse("feed.rdf", strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("consumed %d records, want 1", n)
	}
	// A consumer that stops on an error does not get another call; the
	// range statement would panic if it did.
	for _, err := range jvn.Parse("feed.rdf", strings.NewReader(rss(item("", ""), item("", "")))) {
		if err == nil {
			t.Fatal("want an error")
		}
		break
	}
	for range jvn.ParseRSS(strings.NewReader(in)) {
		break
	}
	for range jvn.ParseDetail(strings.NewReader(vuldef(vulinfo("JVNDB-2022-000001", ""), vulinfo("JVNDB-2022-000002", "")))) {
		break
	}
}

// TestParseItemsWrongRoot checks that ParseRSS and ParseDetail each refuse
// the other's documents.
func TestParseItemsWrongRoot(t *testing.T) {
	var errs []string
	for _, err := range jvn.ParseRSS(strings.NewReader(vuldef())) {
		errs = append(errs, err.Error())
	}
	for _, err := range jvn.ParseDetail(strings.NewReader(rss())) {
		errs = append(errs, err.Error())
	}
	want := []string{
		"malformed input: document: root element {http://jvn.jp/vuldef/}VULDEF-Document, want {http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF",
		"malformed input: document: root element {http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF, want {http://jvn.jp/vuldef/}VULDEF-Document",
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestParseDetailRemarks checks that repeated ImpactItem and SolutionItem
// elements are joined rather than the last one kept, and that empty
// VersionNumber elements are left out.
func TestParseDetailRemarks(t *testing.T) {
	in := vuldef(vulinfo("JVNDB-2022-000001", `<Affected><AffectedItem><Name>v</Name><VersionNumber/><VersionNumber/></AffectedItem></Affected>`+
		`<Impact><ImpactItem><Description>a</Description></ImpactItem><ImpactItem><Description/></ImpactItem><ImpactItem><Description>b</Description></ImpactItem></Impact>`+
		`<Solution><SolutionItem><Description>c</Description></SolutionItem><SolutionItem><Description>d</Description></SolutionItem></Solution>`))
	var got []jvn.Vulinfo
	for v, err := range jvn.ParseDetail(strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	var want jvn.Vulinfo
	want.VulinfoID = "JVNDB-2022-000001"
	want.VulinfoData.Affected.AffectedItem = []jvn.AffectedItem{{Name: "v"}}
	want.VulinfoData.Impact.ImpactItem.Description = "a\nb"
	want.VulinfoData.Solution.SolutionItem.Description = "c\nd"
	if diff := cmp.Diff([]jvn.Vulinfo{want}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"RSS feed", rss(item("JVNDB-2023-000001", "")), true},
		{"RSS feed cut in the root tag", cutBefore(rss(), " xml:lang"), true},
		{"detail feed", vuldef(vulinfo("JVNDB-2022-000001", "")), true},
		{"detail feed cut after the root tag", vuldef()[:260], true},
		{"MyJVN overview list (mod_sec 3.0)", `<?xml version="1.0" encoding="UTF-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/">`, true},
		{"RDF naming a JVNDB id", `<RDF xmlns="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><item rdf:about="https://jvndb.jvn.jp/ja/contents/2023/JVNDB-2023-000001.html">`, true},
		{"byte order mark", "\ufeff" + rss(), true},
		{"product dictionary", `<?xml version="1.0" encoding="UTF-8" ?><Result version="3.3" xmlns="http://jvndb.jvn.jp/myjvn/Results" xmlns:mjres="http://jvndb.jvn.jp/myjvn/Results"><VendorInfo xml:lang="ja">`, false},
		{"other RSS 1.0 feed", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel>`, false},
		{"RSS 2.0 mentioning JVNDB", `<rss version="2.0"><channel><item><title>JVNDB-2023-000001</title>`, false},
		{"mod_sec without RDF", `<feed xmlns:sec="http://jvn.jp/rss/mod_sec/">`, false},
		{"VULDEF namespace in text", `{"ns":"http://jvn.jp/vuldef/","root":"VULDEF-Document"}`, false},
		{"NVD JSON", `{"resultsPerPage":1,"vulnerabilities":[`, false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jvn.Sniff("x.rdf", []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}
