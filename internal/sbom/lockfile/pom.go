package lockfile

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// pomProject is the part of a Maven POM (https://maven.apache.org/pom.html)
// that says what the project depends on.
type pomProject struct {
	XMLName              xml.Name        `xml:"project"`
	GroupID              string          `xml:"groupId"`
	ArtifactID           string          `xml:"artifactId"`
	Version              string          `xml:"version"`
	Parent               pomCoordinates  `xml:"parent"`
	Properties           pomProperties   `xml:"properties"`
	Dependencies         []pomDependency `xml:"dependencies>dependency"`
	DependencyManagement []pomDependency `xml:"dependencyManagement>dependencies>dependency"`
}

type pomCoordinates struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
	Version    string `xml:"version"`
}

type pomDependency struct {
	pomCoordinates
	Scope string `xml:"scope"`
	Type  string `xml:"type"`
}

// pomProperties are <properties>' children, each a name and a value.
type pomProperties struct {
	Entries []struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	} `xml:",any"`
}

// pomReference is a ${name} property reference.
var pomReference = regexp.MustCompile(`\$\{([^}]*)\}`)

// parsePOM reads the dependencies a pom.xml declares, all of them Direct.
// A POM is not a lockfile: it names what the project asks for, and Maven
// resolves the rest (transitive dependencies, versions from parents and
// imported BOMs) from repositories vmc does not reach. So:
//   - ${...} references are resolved within the file: <properties>,
//     project.version, project.groupId, project.artifactId (each also as
//     pom.* and bare), and project.parent.* (also parent.*). The project's
//     version and group fall back to the parent's, as Maven's do.
//   - a dependency without a version takes the one its
//     <dependencyManagement> gives, in this file;
//   - a dependency whose version is still unknown, refers to an undefined
//     property, or is a range ("[1.0,2.0)") is reported and skipped: it
//     does not say what is installed.
//
// Profiles, plugins and test-jar types are not read; test and provided
// scopes are kept, since the code is built with them.
func parsePOM(b *inventory.Builder, data []byte) error {
	if err := inventory.RefuseDTD(data); err != nil {
		return inventory.Errorf(b.File, "%v", err)
	}
	var p pomProject
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&p); err != nil {
		return inventory.Errorf(b.File, "%v", err)
	}
	props := map[string]string{}
	for _, e := range p.Properties.Entries {
		props[e.XMLName.Local] = strings.TrimSpace(e.Value)
	}
	group, version := p.GroupID, p.Version
	if group == "" {
		group = p.Parent.GroupID
	}
	if version == "" {
		version = p.Parent.Version
	}
	for _, prefix := range []string{"project.", "pom.", ""} {
		props[prefix+"groupId"] = group
		props[prefix+"artifactId"] = p.ArtifactID
		props[prefix+"version"] = version
	}
	for _, prefix := range []string{"project.parent.", "parent."} {
		props[prefix+"groupId"] = p.Parent.GroupID
		props[prefix+"artifactId"] = p.Parent.ArtifactID
		props[prefix+"version"] = p.Parent.Version
	}
	expand := func(s string) (string, error) { return pomExpand(strings.TrimSpace(s), props) }
	if g, err1 := expand(group); err1 == nil {
		if v, err2 := expand(version); err2 == nil && p.ArtifactID != "" {
			b.SetSubject(inventory.Subject(g+":"+p.ArtifactID, v))
		}
	}
	managed := map[string]string{} // group:artifact → version
	for _, d := range p.DependencyManagement {
		g, err1 := expand(d.GroupID)
		a, err2 := expand(d.ArtifactID)
		if err1 == nil && err2 == nil && d.Version != "" {
			managed[g+":"+a] = d.Version
		}
	}
	for i, d := range p.Dependencies {
		at := fmt.Sprintf("dependency[%d]", i)
		g, err1 := expand(d.GroupID)
		a, err2 := expand(d.ArtifactID)
		name := g + ":" + a
		if err := firstErr(err1, err2); err != nil || g == "" || a == "" {
			if err == nil {
				err = fmt.Errorf("groupId or artifactId missing")
			}
			b.Report(label(at, name, ""), "", "%v; skipped", err)
			continue
		}
		raw, field := d.Version, "version"
		if raw == "" {
			raw, field = managed[name], "dependencyManagement"
		}
		record := label(at, name, "")
		if raw == "" {
			b.Report(record, "version", "not stated in this file (set by a parent POM or an imported BOM?); skipped")
			continue
		}
		v, err := expand(raw)
		if err != nil {
			b.Report(record, field, "%v; skipped", err)
			continue
		}
		if v == "" || strings.ContainsAny(v[:1], "[(") || strings.Contains(v, ",") {
			b.Report(record, field, "%q is a range, not a version; skipped", v)
			continue
		}
		add(b, label(at, name, v), at, pkg{ecosystem: "Maven", name: name, version: v, direct: true})
	}
	return nil
}

// pomExpand replaces ${name} references from props, repeatedly, since a
// property may refer to another. More than ten rounds means a cycle.
func pomExpand(s string, props map[string]string) (string, error) {
	for range 10 {
		if !strings.Contains(s, "${") {
			return s, nil
		}
		var missing []string
		s = pomReference.ReplaceAllStringFunc(s, func(ref string) string {
			name := ref[2 : len(ref)-1]
			if v, ok := props[name]; ok && v != "" {
				return v
			}
			missing = append(missing, ref)
			return ref
		})
		if len(missing) > 0 {
			return s, fmt.Errorf("%s not defined in this file", strings.Join(missing, ", "))
		}
	}
	return s, fmt.Errorf("%q: properties refer to each other in a cycle", s)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
