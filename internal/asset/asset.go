// Package asset is what an organisation runs: hosts, container images and
// applications, each with the context that decides how much a
// vulnerability on it matters (owner, environment, criticality, exposure),
// and the components found on it (packages from an SBOM, a lockfile or an
// OS package list).
//
// This package knows nothing of storage, HTTP or the command line.
package asset

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Asset is one thing the organisation runs.
type Asset struct {
	ID   int64  `json:"id,omitempty"` // assigned by the store
	Name string `json:"name"`         // unique: "web-01.prod", "registry.example/shop:1.4", "payments-api"
	Kind Kind   `json:"kind"`
	// Team owns the asset and its findings.
	Team        string      `json:"team,omitempty"`
	Environment Environment `json:"environment,omitempty"`
	Criticality Criticality `json:"criticality,omitempty"`
	Exposure    Exposure    `json:"exposure,omitempty"`
	Tags        []string    `json:"tags,omitempty"`
	// MaintenanceGroup names the patch-management group (NIST SP 800-40r4)
	// the asset belongs to.
	MaintenanceGroup string    `json:"maintenance_group,omitempty"`
	Created          time.Time `json:"created,omitzero"`
	Updated          time.Time `json:"updated,omitzero"`
}

// ErrInvalid marks an asset or component that cannot be stored as it is.
var ErrInvalid = errors.New("invalid asset")

// Validate checks what the store and matcher rely on, naming the field.
func (a *Asset) Validate() error {
	switch {
	case strings.TrimSpace(a.Name) == "":
		return fmt.Errorf("%w: name: empty", ErrInvalid)
	case len(a.Name) > 512:
		return fmt.Errorf("%w: name: longer than 512 bytes", ErrInvalid)
	case !a.Kind.IsValid():
		return fmt.Errorf("%w: kind: unknown %q (host, image, application)", ErrInvalid, a.Kind)
	case a.Environment != "" && !a.Environment.IsValid():
		return fmt.Errorf("%w: environment: unknown %q (prod, staging, dev, test)", ErrInvalid, a.Environment)
	case a.Criticality != "" && !a.Criticality.IsValid():
		return fmt.Errorf("%w: criticality: unknown %q (low, medium, high, critical)", ErrInvalid, a.Criticality)
	case a.Exposure != "" && !a.Exposure.IsValid():
		return fmt.Errorf("%w: exposure: unknown %q (internet, internal, isolated)", ErrInvalid, a.Exposure)
	}
	return nil
}

// Kind is what sort of thing an asset is.
type Kind string

const (
	KindHost        Kind = "host"
	KindImage       Kind = "image"
	KindApplication Kind = "application"
)

func (k Kind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return slices.Contains([]Kind{KindHost, KindImage, KindApplication}, k) }

// UnmarshalText rejects unknown kinds, so JSON and configuration input
// fail at the boundary.
func (k *Kind) UnmarshalText(b []byte) error {
	if !Kind(b).IsValid() {
		return fmt.Errorf("unknown kind %q", b)
	}
	*k = Kind(b)
	return nil
}

// Environment is the stage an asset serves.
type Environment string

const (
	EnvProd    Environment = "prod"
	EnvStaging Environment = "staging"
	EnvTest    Environment = "test"
	EnvDev     Environment = "dev"
)

func (e Environment) String() string { return string(e) }

// IsValid reports whether e is a known environment.
func (e Environment) IsValid() bool {
	return slices.Contains([]Environment{EnvProd, EnvStaging, EnvTest, EnvDev}, e)
}

// UnmarshalText rejects unknown environments.
func (e *Environment) UnmarshalText(b []byte) error {
	if !Environment(b).IsValid() {
		return fmt.Errorf("unknown environment %q", b)
	}
	*e = Environment(b)
	return nil
}

// Criticality is how much the business depends on an asset. It sets the
// CVSS environmental requirements and SSVC's mission impact.
type Criticality string

const (
	CritLow      Criticality = "low"
	CritMedium   Criticality = "medium"
	CritHigh     Criticality = "high"
	CritCritical Criticality = "critical"
)

func (c Criticality) String() string { return string(c) }

// IsValid reports whether c is a known criticality.
func (c Criticality) IsValid() bool {
	return slices.Contains([]Criticality{CritLow, CritMedium, CritHigh, CritCritical}, c)
}

// UnmarshalText rejects unknown criticalities.
func (c *Criticality) UnmarshalText(b []byte) error {
	if !Criticality(b).IsValid() {
		return fmt.Errorf("unknown criticality %q", b)
	}
	*c = Criticality(b)
	return nil
}

// Exposure is how reachable an asset is. It sets SSVC's "publicly
// exposed" and the CVSS modified attack vector.
type Exposure string

const (
	ExpInternet Exposure = "internet"
	ExpInternal Exposure = "internal"
	ExpIsolated Exposure = "isolated"
)

func (e Exposure) String() string { return string(e) }

// IsValid reports whether e is a known exposure.
func (e Exposure) IsValid() bool {
	return slices.Contains([]Exposure{ExpInternet, ExpInternal, ExpIsolated}, e)
}

// UnmarshalText rejects unknown exposures.
func (e *Exposure) UnmarshalText(b []byte) error {
	if !Exposure(b).IsValid() {
		return fmt.Errorf("unknown exposure %q", b)
	}
	*e = Exposure(b)
	return nil
}
