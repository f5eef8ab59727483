package risk

import "github.com/vmc-dev/vmc/internal/asset"

// AssetContext is what vmc knows of the asset a vulnerability is found on
// that changes its CVSS environmental score. The zero value knows nothing
// and changes nothing.
type AssetContext struct {
	// Criticality is how much the business depends on the asset.
	Criticality asset.Criticality
	// Exposure is how reachable the asset is.
	Exposure asset.Exposure
}

// ContextMetrics returns the environmental metrics that ctx sets on c. A
// criticality or exposure that is empty or unknown sets nothing.
//
// Criticality sets the security requirements CR, IR and AR, all three
// alike, in every version: vmc knows how much the business depends on an
// asset, not whether it is its confidentiality, integrity or availability
// that matters most.
//
//	critical, high → H    medium → M    low → L
//
// The specifications define H as a loss "likely to have a catastrophic
// adverse effect on the organization", M "a serious adverse effect" and L
// "only a limited adverse effect" (v3.1 and v4.0, Security Requirements;
// the v4.0 text is in ../shared/data/cvss/first-v4-calculator); vmc's two
// top grades both fit H. In v4.0 a requirement left Not Defined counts
// as High, so only medium and low assets score lower there.
//
// Exposure sets the Modified Attack Vector in v3.x and v4.0, and only ever
// lowers it, from the vector's MAV if it gives one, else from its AV:
//
//	internet  no change: the base vector already assumes the attacker's
//	          best reach, and exposure does not make a local flaw remote.
//	internal  N → A. The asset is reachable only from the organisation's
//	          own networks; Adjacent covers an attack "from within a secure
//	          or otherwise limited administrative domain (e.g., MPLS, secure
//	          VPN within an administrative network zone)" (v4.0, Attack
//	          Vector; v3.1 says the same).
//	isolated  N, A → L. No network path reaches the asset; the attacker
//	          needs a login, a console, or a user who opens a file, which
//	          is what Local means. Physical is left alone.
//
// CVSS v2.0 has no modified base metrics, so exposure does not change a
// v2.0 score. Its other environmental metrics are left Not Defined too:
// Collateral Damage Potential would count the asset's criticality a second
// time (on top of CR, IR and AR, and raising a 5.0 to 7.5 at CDP:H), and
// Target Distribution is the share of an organisation's systems that are
// vulnerable, a property of the fleet rather than of one asset.
func ContextMetrics(c CVSS, ctx AssetContext) []Metric {
	var ms []Metric
	if req := requirement(ctx.Criticality); req != "" {
		ms = append(ms, Metric{"CR", req}, Metric{"IR", req}, Metric{"AR", req})
	}
	if c.Version != CVSS20 {
		if mav := modifiedAttackVector(c, ctx.Exposure); mav != "" {
			ms = append(ms, Metric{"MAV", mav})
		}
	}
	return ms
}

// requirement is the CR, IR and AR value for a criticality; v2.0 and later
// spell them alike (L, M, H).
func requirement(c asset.Criticality) string {
	switch c {
	case asset.CritCritical, asset.CritHigh:
		return "H"
	case asset.CritMedium:
		return "M"
	case asset.CritLow:
		return "L"
	}
	return ""
}

// modifiedAttackVector is the MAV an exposure sets on c, or "" to leave
// it.
func modifiedAttackVector(c CVSS, e asset.Exposure) string {
	av := c.Get("MAV")
	if av == "" || av == "X" {
		av = c.Get("AV")
	}
	switch {
	case e == asset.ExpInternal && av == "N":
		return "A"
	case e == asset.ExpIsolated && (av == "N" || av == "A"):
		return "L"
	}
	return ""
}

// Environmental parses vector and scores it in the asset's context: the
// metrics ContextMetrics returns replace any the vector gives. The
// result's Score is the score to rank the finding by, and its Vector shows
// the metrics applied (unchanged when the context sets none).
func Environmental(vector string, ctx AssetContext) (CVSS, error) {
	c, err := ParseCVSS(vector)
	if err != nil {
		return CVSS{}, err
	}
	ms := ContextMetrics(c, ctx)
	if len(ms) == 0 {
		return c, nil
	}
	return c.With(ms...)
}
