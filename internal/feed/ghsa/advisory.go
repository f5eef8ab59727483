package ghsa

import "strings"

// Advisory is a GitHub Security Advisory in the shape of GitHub's GraphQL
// API SecurityAdvisory object, with the fields the OSV project's dump_ghsa.py
// queries (plus cvssSeverities).
// https://docs.github.com/en/graphql/reference/objects#securityadvisory
//
// REST "global advisory" documents (GlobalAdvisory) are brought into this
// shape by GlobalAdvisory.Advisory, so one converter serves both.
type Advisory struct {
	// GHSAID is the advisory's id, GHSA-xxxx-xxxx-xxxx.
	GHSAID string `json:"ghsaId"`
	// Identifiers are the GHSA id and the CVE id, when there is one.
	Identifiers []Identifier `json:"identifiers"`
	References  []Link       `json:"references"`
	Summary     string       `json:"summary"`
	// Description is the advisory text, in Markdown.
	Description string `json:"description"`
	// Severity is LOW, MODERATE, HIGH or CRITICAL.
	Severity string `json:"severity"`
	// CVSS is the deprecated single CVSS field; its vectorString is null
	// when GitHub has no score.
	CVSS *CVSS `json:"cvss,omitempty"`
	// CVSSSeverities holds the v3 and v4 scores.
	// https://docs.github.com/en/graphql/reference/objects#cvssseverities
	CVSSSeverities *CVSSSeverities `json:"cvssSeverities,omitempty"`
	CWEs           CWEConnection   `json:"cwes"`
	// Permalink is the advisory's page, https://github.com/advisories/<id>.
	Permalink   string `json:"permalink"`
	PublishedAt string `json:"publishedAt"`
	UpdatedAt   string `json:"updatedAt"`
	// WithdrawnAt is null unless GitHub withdrew the advisory.
	WithdrawnAt     string                  `json:"withdrawnAt"`
	Vulnerabilities VulnerabilityConnection `json:"vulnerabilities"`
	// Credits come only from the REST shape (GlobalAdvisory.Advisory);
	// GraphQL has no such field, so none is decoded into it.
	Credits []Credit `json:"-"`

	// rest records that the advisory came from the REST shape, so that
	// errors name the fields as that document spells them.
	rest bool
}

// Identifier is one id of the advisory.
type Identifier struct {
	Type  string `json:"type,omitempty"` // GHSA or CVE
	Value string `json:"value"`
}

// Link is one reference URL.
type Link struct {
	URL string `json:"url"`
}

// CVSS is one CVSS score.
type CVSS struct {
	Score        float64 `json:"score"`
	VectorString string  `json:"vectorString"`
}

// CVSSSeverities holds an advisory's CVSS v3 and v4 scores.
type CVSSSeverities struct {
	CVSSV3 *CVSS `json:"cvssV3,omitempty"`
	CVSSV4 *CVSS `json:"cvssV4,omitempty"`
}

// CWEConnection is GraphQL's list wrapper around the advisory's weaknesses.
type CWEConnection struct {
	Nodes []CWE `json:"nodes"`
}

// CWE is one weakness.
type CWE struct {
	CWEID       string `json:"cweId"` // "CWE-79"
	Description string `json:"description,omitempty"`
	Name        string `json:"name"`
}

// VulnerabilityConnection is GraphQL's list wrapper around the affected
// packages.
type VulnerabilityConnection struct {
	Nodes []Vulnerability `json:"nodes"`
}

// Vulnerability is one affected package and version range.
// https://docs.github.com/en/graphql/reference/objects#securityvulnerability
type Vulnerability struct {
	Package Package `json:"package"`
	// FirstPatchedVersion is null when no fix exists.
	FirstPatchedVersion *Version `json:"firstPatchedVersion"`
	// VulnerableVersionRange is GitHub's range syntax: "= 0.2.0",
	// "<= 1.0.8", "< 0.1.11", ">= 4.3.0, < 4.3.5", ">= 0.0.1", and the
	// undocumented "> 2.1.0".
	VulnerableVersionRange string `json:"vulnerableVersionRange"`
}

// Package is a package in one of GitHub's ecosystems.
type Package struct {
	// Ecosystem is the GraphQL SecurityAdvisoryEcosystem: ACTIONS,
	// COMPOSER, ERLANG, GO, MAVEN, NPM, NUGET, PIP, PUB, RUBYGEMS, RUST,
	// SWIFT.
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

// Version is a package version.
type Version struct {
	Identifier string `json:"identifier"`
}

// Credit is a GitHub user credited for the advisory (REST only).
type Credit struct {
	Login string `json:"login"`
	// Type is analyst, finder, reporter, coordinator,
	// remediation_developer, remediation_reviewer, remediation_verifier,
	// tool, sponsor or other.
	Type string `json:"type"`
}

// GlobalAdvisory is an advisory as GitHub's REST API returns it from
// GET /advisories and GET /advisories/{ghsa_id}.
// https://docs.github.com/en/rest/security-advisories/global-advisories
type GlobalAdvisory struct {
	GHSAID          string       `json:"ghsa_id"`
	CVEID           string       `json:"cve_id"`
	HTMLURL         string       `json:"html_url"`
	Summary         string       `json:"summary"`
	Description     string       `json:"description"`
	Severity        string       `json:"severity"` // low, medium, high, critical, unknown
	Identifiers     []Identifier `json:"identifiers"`
	References      []string     `json:"references"`
	PublishedAt     string       `json:"published_at"`
	UpdatedAt       string       `json:"updated_at"`
	WithdrawnAt     string       `json:"withdrawn_at"`
	Vulnerabilities []struct {
		Package                Package `json:"package"` // ecosystem in lower case
		VulnerableVersionRange string  `json:"vulnerable_version_range"`
		FirstPatchedVersion    string  `json:"first_patched_version"`
	} `json:"vulnerabilities"`
	CVSS           *restCVSS `json:"cvss"`
	CVSSSeverities struct {
		CVSSV3 *restCVSS `json:"cvss_v3"`
		CVSSV4 *restCVSS `json:"cvss_v4"`
	} `json:"cvss_severities"`
	CWEs []struct {
		CWEID string `json:"cwe_id"`
		Name  string `json:"name"`
	} `json:"cwes"`
	Credits []struct {
		User struct {
			Login string `json:"login"`
		} `json:"user"`
		Type string `json:"type"`
	} `json:"credits"`
}

type restCVSS struct {
	VectorString string  `json:"vector_string"`
	Score        float64 `json:"score"`
}

// restSeverity maps the REST API's severity words to the GraphQL enum,
// which is also what GitHub's OSV export writes.
var restSeverity = map[string]string{"low": "LOW", "medium": "MODERATE", "high": "HIGH", "critical": "CRITICAL"}

// Advisory returns g in the GraphQL shape.
func (g GlobalAdvisory) Advisory() Advisory {
	a := Advisory{
		GHSAID:      g.GHSAID,
		Identifiers: g.Identifiers,
		Summary:     g.Summary,
		Description: g.Description,
		Severity:    restSeverity[strings.ToLower(g.Severity)],
		Permalink:   g.HTMLURL,
		PublishedAt: g.PublishedAt,
		UpdatedAt:   g.UpdatedAt,
		WithdrawnAt: g.WithdrawnAt,
		rest:        true,
	}
	if len(a.Identifiers) == 0 {
		a.Identifiers = append(a.Identifiers, Identifier{Type: "GHSA", Value: g.GHSAID})
		if g.CVEID != "" {
			a.Identifiers = append(a.Identifiers, Identifier{Type: "CVE", Value: g.CVEID})
		}
	}
	for _, u := range g.References {
		a.References = append(a.References, Link{URL: u})
	}
	cvss := func(c *restCVSS) *CVSS {
		if c == nil {
			return nil
		}
		return &CVSS{Score: c.Score, VectorString: c.VectorString}
	}
	a.CVSS = cvss(g.CVSS)
	if v3, v4 := cvss(g.CVSSSeverities.CVSSV3), cvss(g.CVSSSeverities.CVSSV4); v3 != nil || v4 != nil {
		a.CVSSSeverities = &CVSSSeverities{CVSSV3: v3, CVSSV4: v4}
	}
	for _, c := range g.CWEs {
		a.CWEs.Nodes = append(a.CWEs.Nodes, CWE{CWEID: c.CWEID, Name: c.Name})
	}
	for _, v := range g.Vulnerabilities {
		n := Vulnerability{
			Package:                Package{Ecosystem: strings.ToUpper(v.Package.Ecosystem), Name: v.Package.Name},
			VulnerableVersionRange: v.VulnerableVersionRange,
		}
		if v.FirstPatchedVersion != "" {
			n.FirstPatchedVersion = &Version{Identifier: v.FirstPatchedVersion}
		}
		a.Vulnerabilities.Nodes = append(a.Vulnerabilities.Nodes, n)
	}
	for _, c := range g.Credits {
		a.Credits = append(a.Credits, Credit{Login: c.User.Login, Type: c.Type})
	}
	return a
}

// field names a field as the advisory's source document spells it: the
// GraphQL name, or the REST one for advisories read from REST.
func (a *Advisory) field(graphql, rest string) string {
	if a.rest {
		return rest
	}
	return graphql
}
