package risk

// The metrics of each CVSS version, in the order its specification lists
// them, with the values each may take. ParseCVSS validates vectors against
// these tables before scoring them, so that an error can name the metric
// at fault (go-cvss, which scores v3.x, reports only "invalid metric
// value"). The v2.0 and v4.0 scoring code finds metrics by their position
// in these tables.
//
//   - v2.0: CVSS v2 Complete Guide, section 2 and Table 13
//     (https://www.first.org/cvss/v2/guide), and FIRST's JSON schema
//     cvss-v2.0.json.
//   - v3.0, v3.1: Specification Document section 6 "Vector String"
//     (https://www.first.org/cvss/v3-1/specification-document#Vector-String),
//     and cvss-v3.x.json.
//   - v4.0: Specification Document section 7 "Vector String"
//     (https://www.first.org/cvss/v4-0/specification-document#Vector-String),
//     and cvss-v4.0.json.

// group is a CVSS metric group.
type group int

const (
	groupBase group = iota
	// groupTemporal is v2.0's and v3.x's Temporal group, and v4.0's Threat
	// group.
	groupTemporal
	groupEnvironmental
	// groupSupplemental is v4.0's Supplemental group, which never changes
	// a score.
	groupSupplemental
)

// metricDef is one metric of a version: its abbreviation, its group and
// the values the vector string may give it.
type metricDef struct {
	key    string
	group  group
	values []string
}

// spec is one CVSS version's vector grammar.
type spec struct {
	version CVSSVersion
	// prefix starts every vector of the version; v2.0 vectors have none.
	prefix string
	// notDefined is the value that leaves an optional metric unset ("ND"
	// in v2.0, "X" after).
	notDefined string
	// ordered is set when the metrics must appear in the order of metrics.
	// The v4.0 specification and schema fix the order; v2.0 and v3.x
	// allow any, and FIRST's v3 calculator reads vectors like
	// "CVSS:3.0/S:U/AV:N/...".
	ordered bool
	metrics []metricDef
}

// def returns the definition of the metric key, or nil.
func (s *spec) def(key string) *metricDef {
	for i := range s.metrics {
		if s.metrics[i].key == key {
			return &s.metrics[i]
		}
	}
	return nil
}

// index returns the position of key in the specification's order, or -1.
func (s *spec) index(key string) int {
	for i := range s.metrics {
		if s.metrics[i].key == key {
			return i
		}
	}
	return -1
}

var (
	v2CIA = []string{"N", "P", "C"}
	v2Req = []string{"L", "M", "H", "ND"}

	v3CIA  = []string{"H", "L", "N"}
	v3Req  = []string{"X", "H", "M", "L"}
	v3MCIA = []string{"X", "H", "L", "N"}

	v4CIA  = []string{"H", "L", "N"}
	v4Req  = []string{"X", "H", "M", "L"}
	v4MCIA = []string{"X", "H", "L", "N"}
	// v4MSafety adds Safety (S) to MSI and MSA (specification section
	// 4.2, "Modified Subsequent System Impact Metrics").
	v4MSafety = []string{"X", "H", "L", "N", "S"}
)

var specV2 = &spec{
	version:    CVSS20,
	notDefined: "ND",
	metrics: []metricDef{
		{"AV", groupBase, []string{"L", "A", "N"}},
		{"AC", groupBase, []string{"H", "M", "L"}},
		{"Au", groupBase, []string{"M", "S", "N"}},
		{"C", groupBase, v2CIA},
		{"I", groupBase, v2CIA},
		{"A", groupBase, v2CIA},
		{"E", groupTemporal, []string{"U", "POC", "F", "H", "ND"}},
		{"RL", groupTemporal, []string{"OF", "TF", "W", "U", "ND"}},
		{"RC", groupTemporal, []string{"UC", "UR", "C", "ND"}},
		{"CDP", groupEnvironmental, []string{"N", "L", "LM", "MH", "H", "ND"}},
		{"TD", groupEnvironmental, []string{"N", "L", "M", "H", "ND"}},
		{"CR", groupEnvironmental, v2Req},
		{"IR", groupEnvironmental, v2Req},
		{"AR", groupEnvironmental, v2Req},
	},
}

// v3Metrics are the metrics of v3.0 and v3.1, which differ only in
// formulas.
var v3Metrics = []metricDef{
	{"AV", groupBase, []string{"N", "A", "L", "P"}},
	{"AC", groupBase, []string{"L", "H"}},
	{"PR", groupBase, []string{"N", "L", "H"}},
	{"UI", groupBase, []string{"N", "R"}},
	{"S", groupBase, []string{"U", "C"}},
	{"C", groupBase, v3CIA},
	{"I", groupBase, v3CIA},
	{"A", groupBase, v3CIA},
	{"E", groupTemporal, []string{"X", "H", "F", "P", "U"}},
	{"RL", groupTemporal, []string{"X", "U", "W", "T", "O"}},
	{"RC", groupTemporal, []string{"X", "C", "R", "U"}},
	{"CR", groupEnvironmental, v3Req},
	{"IR", groupEnvironmental, v3Req},
	{"AR", groupEnvironmental, v3Req},
	{"MAV", groupEnvironmental, []string{"X", "N", "A", "L", "P"}},
	{"MAC", groupEnvironmental, []string{"X", "L", "H"}},
	{"MPR", groupEnvironmental, []string{"X", "N", "L", "H"}},
	{"MUI", groupEnvironmental, []string{"X", "N", "R"}},
	{"MS", groupEnvironmental, []string{"X", "U", "C"}},
	{"MC", groupEnvironmental, v3MCIA},
	{"MI", groupEnvironmental, v3MCIA},
	{"MA", groupEnvironmental, v3MCIA},
}

var (
	specV30 = &spec{version: CVSS30, prefix: "CVSS:3.0/", notDefined: "X", metrics: v3Metrics}
	specV31 = &spec{version: CVSS31, prefix: "CVSS:3.1/", notDefined: "X", metrics: v3Metrics}
)

var specV4 = &spec{
	version:    CVSS40,
	prefix:     "CVSS:4.0/",
	notDefined: "X",
	ordered:    true,
	metrics: []metricDef{
		{"AV", groupBase, []string{"N", "A", "L", "P"}},
		{"AC", groupBase, []string{"L", "H"}},
		{"AT", groupBase, []string{"N", "P"}},
		{"PR", groupBase, []string{"N", "L", "H"}},
		{"UI", groupBase, []string{"N", "P", "A"}},
		{"VC", groupBase, v4CIA},
		{"VI", groupBase, v4CIA},
		{"VA", groupBase, v4CIA},
		{"SC", groupBase, v4CIA},
		{"SI", groupBase, v4CIA},
		{"SA", groupBase, v4CIA},
		{"E", groupTemporal, []string{"X", "A", "P", "U"}},
		{"CR", groupEnvironmental, v4Req},
		{"IR", groupEnvironmental, v4Req},
		{"AR", groupEnvironmental, v4Req},
		{"MAV", groupEnvironmental, []string{"X", "N", "A", "L", "P"}},
		{"MAC", groupEnvironmental, []string{"X", "L", "H"}},
		{"MAT", groupEnvironmental, []string{"X", "N", "P"}},
		{"MPR", groupEnvironmental, []string{"X", "N", "L", "H"}},
		{"MUI", groupEnvironmental, []string{"X", "N", "P", "A"}},
		{"MVC", groupEnvironmental, v4MCIA},
		{"MVI", groupEnvironmental, v4MCIA},
		{"MVA", groupEnvironmental, v4MCIA},
		{"MSC", groupEnvironmental, v4MCIA},
		{"MSI", groupEnvironmental, v4MSafety},
		{"MSA", groupEnvironmental, v4MSafety},
		{"S", groupSupplemental, []string{"X", "N", "P"}},
		{"AU", groupSupplemental, []string{"X", "N", "Y"}},
		{"R", groupSupplemental, []string{"X", "A", "U", "I"}},
		{"V", groupSupplemental, []string{"X", "D", "C"}},
		{"RE", groupSupplemental, []string{"X", "L", "M", "H"}},
		{"U", groupSupplemental, []string{"X", "Clear", "Green", "Amber", "Red"}},
	},
}

// specs are the versions with a prefix, by the version the prefix names.
var specs = map[string]*spec{"3.0": specV30, "3.1": specV31, "4.0": specV4}
