package ospkg

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// distro is what the caller told about the release.
type distro struct {
	ecosystem string // OSV ecosystem, "" if unknown
	vendor    string // purl namespace: "debian", "alpine", "almalinux"
	release   string // purl distro qualifier's version: "12", "3.19.1", "9.3"
	subject   string // os-release PRETTY_NAME
	why       string // why ecosystem is empty
}

// vendors maps OSV ecosystem names to purl namespaces (os-release IDs).
var vendors = map[string]string{
	"Debian": "debian", "Ubuntu": "ubuntu", "Alpine": "alpine", "AlmaLinux": "almalinux",
	"Rocky Linux": "rocky", "Red Hat": "redhat", "Azure Linux": "azurelinux", "Wolfi": "wolfi", "Chainguard": "chainguard",
}

func (o Options) distro() distro {
	if o.Distro != "" {
		base, suffix, _ := strings.Cut(o.Distro, ":")
		release, _, _ := strings.Cut(strings.TrimPrefix(suffix, "v"), ":")
		if base == "Red Hat" {
			release = ""
		}
		return distro{ecosystem: o.Distro, vendor: vendors[base], release: release}
	}
	if o.OSRelease == nil {
		return distro{why: "no Options.Distro or os-release given"}
	}
	osr := parseOSRelease(o.OSRelease)
	id, version := strings.ToLower(osr["ID"]), osr["VERSION_ID"]
	d := distro{vendor: id, release: version, subject: osr["PRETTY_NAME"]}
	var err error
	switch id {
	case "rhel":
		// Red Hat's OSV ecosystem is scoped by product stream, which only
		// the CPE says: cpe:/o:redhat:enterprise_linux:9::baseos →
		// "Red Hat:enterprise_linux:9::baseos".
		d.vendor = "redhat"
		if _, stream, ok := strings.Cut(osr["CPE_NAME"], ":redhat:"); ok {
			d.ecosystem = "Red Hat:" + stream
		} else {
			d.why = "os-release ID rhel without a Red Hat CPE_NAME"
		}
		return d
	case "azurelinux", "mariner":
		if version == "" {
			d.why = "os-release ID " + id + " without VERSION_ID"
			return d
		}
		d.ecosystem = "Azure Linux:" + version
		return d
	case "debian":
		if version == "" {
			version = osr["VERSION_CODENAME"] // testing and unstable have no number
		}
	}
	if d.ecosystem, err = inventory.Distro(id, version); err != nil {
		d.why = "os-release: " + err.Error()
	}
	return d
}

// parseOSRelease reads os-release's KEY=value lines
// (https://www.freedesktop.org/software/systemd/man/os-release.html),
// unquoting values as the shell would for the simple cases the file allows.
func parseOSRelease(data []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			if v[0] == '"' {
				if u, err := strconv.Unquote(v); err == nil {
					v = u
				} else {
					v = v[1 : len(v)-1]
				}
			} else {
				v = v[1 : len(v)-1]
			}
		}
		m[strings.TrimSpace(k)] = v
	}
	return m
}

// purlQualifiers are the qualifiers of a distribution package's purl, as
// Syft writes them, in the order packageurl-go sorts them.
func (d distro) qualifiers(arch, epoch, upstream string) map[string]string {
	q := map[string]string{}
	if arch != "" && arch != "(none)" {
		q["arch"] = arch
	}
	if d.vendor != "" && d.release != "" {
		q["distro"] = d.vendor + "-" + d.release
	}
	if epoch != "" && epoch != "0" && epoch != "(none)" {
		q["epoch"] = epoch
	}
	if upstream != "" {
		q["upstream"] = upstream
	}
	return q
}
