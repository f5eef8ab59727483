package peer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// ErrInvalid marks a peer vmc refuses; the message names the field.
var ErrInvalid = errors.New("invalid peer")

// Kind is how a peer is reached.
type Kind string

const (
	// OSV pulls the peer's index of changed ids (GET
	// /v1/federation/modified_id.csv) and then each changed record from
	// its OSV API (GET /v1/vulns/{id}).
	OSV Kind = "osv"
	// TAXII pulls the peer's vulnerability collection from its TAXII 2.1
	// server with added_after.
	TAXII Kind = "taxii"
)

// Kinds lists the kinds.
var Kinds = []Kind{OSV, TAXII}

func (k Kind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return slices.Contains(Kinds, k) }

// UnmarshalText rejects unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	if !Kind(b).IsValid() {
		return fmt.Errorf("%w: kind: unknown %q (osv, taxii)", ErrInvalid, b)
	}
	*k = Kind(b)
	return nil
}

// Trust is how a peer's claims rank against other sources' in the merge
// (advisory.Precedence): which value of a field the merged view shows
// when sources disagree. It never hides a claim; every claim is kept and
// shown with its source.
type Trust string

const (
	// Authority: the peer speaks for the organisation (a central vmc of
	// one's own). Its claims rank right after this vmc's own records,
	// before the CVE programme's.
	Authority Trust = "authority"
	// Standard: the peer is as good as the primary databases. Its claims
	// rank after the CVE programme and NVD, before the aggregators (GHSA,
	// OSV, CSAF, national databases).
	Standard Trust = "standard"
	// Low: the peer fills gaps. Its claims rank after every source vmc
	// knows by name; they are chosen only where no other source says.
	Low Trust = "low"
)

// Trusts lists the levels from the most trusted.
var Trusts = []Trust{Authority, Standard, Low}

func (t Trust) String() string { return string(t) }

// IsValid reports whether t is a known level.
func (t Trust) IsValid() bool { return slices.Contains(Trusts, t) }

// UnmarshalText rejects unknown levels.
func (t *Trust) UnmarshalText(b []byte) error {
	if !Trust(b).IsValid() {
		return fmt.Errorf("%w: trust: unknown %q (authority, standard, low)", ErrInvalid, b)
	}
	*t = Trust(b)
	return nil
}

// SourcePrefix starts the source name of a peer's records.
const SourcePrefix = "peer:"

// Peer is another vmc this one pulls from.
type Peer struct {
	// Name names the peer here; its records' source is "peer:<Name>".
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// URL is the peer's base URL for OSV (https://vmc.example/), its API
	// root for TAXII (https://vmc.example/taxii2/vmc/).
	URL string `json:"url"`
	// Collection is the TAXII collection to pull (TAXII only).
	Collection string `json:"collection,omitempty"`
	Trust      Trust  `json:"trust"`
	// Every is how often serve pulls; 0 means only on demand.
	Every time.Duration `json:"every"`
	// Token is the credential the peer issued to this vmc, sent as
	// Authorization: Bearer. The store keeps it sealed (Seal); it is
	// never shown back.
	Token string `json:"-"`
	// HasToken says a token is stored, for listings.
	HasToken bool `json:"has_token"`
	// Last is the outcome of the last pull.
	Last Pull `json:"last"`
	// Mark is where the next pull starts (the peer's index cursor, or
	// the TAXII added_after); kept by the store, not configured.
	Mark string `json:"-"`
}

// Pull is what one pull from a peer did.
type Pull struct {
	At time.Time `json:"at,omitzero"`
	// Status is "ok" or "failed"; "" before the first pull.
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
	// Listed counts what the peer offered as changed; Fetched what was
	// fetched; Stored the records written; Unchanged those whose content
	// had not changed since the last pull; Own those that originated
	// here; Withheld those the peer refused (404: withdrawn or marked).
	Listed    int `json:"listed"`
	Fetched   int `json:"fetched"`
	Stored    int `json:"stored"`
	Unchanged int `json:"unchanged"`
	Own       int `json:"own"`
	Withheld  int `json:"withheld"`
	Rejected  int `json:"rejected"`
	// Records is how many current records the peer's source holds.
	Records int `json:"records"`
}

var (
	namePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)
	uuidPattern   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	originPattern = namePattern
)

// Validate checks a peer.
func (p Peer) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: peer %s: %s: %s", ErrInvalid, p.Name, field, fmt.Sprintf(format, args...))
	}
	switch {
	case !namePattern.MatchString(p.Name):
		return bad("name", "malformed %q (lower-case letters, digits, '.', '_', '-'; at most 63)", p.Name)
	case !p.Kind.IsValid():
		return bad("kind", "unknown %q (osv, taxii)", p.Kind)
	case !p.Trust.IsValid():
		return bad("trust", "unknown %q (authority, standard, low)", p.Trust)
	case p.Every < 0:
		return bad("every", "negative")
	case p.Every > 0 && p.Every < MinEvery:
		return bad("every", "%s is less than a minute", p.Every)
	case p.Kind == TAXII && !uuidPattern.MatchString(p.Collection):
		return bad("collection", "a TAXII peer needs its collection's id (a UUID), not %q", p.Collection)
	case p.Kind == OSV && p.Collection != "":
		return bad("collection", "an OSV peer has none")
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("url", "%q is not an http(s) URL", p.URL)
	}
	if u.User != nil {
		return bad("url", "carries credentials; give the token separately")
	}
	return nil
}

// MinEvery is the shortest schedule a peer may have, and so how often a
// scheduler must look for peers that are due.
const MinEvery = time.Minute

// Due reports whether a scheduler that looks every tick should pull p
// at now: p has a schedule and was never pulled, or its last pull began
// at least Every ago. Half a tick of slack keeps the pulls on their
// period: without it a pull the tick finds a moment early waits a whole
// tick more, and an hourly peer drifts to every 61 minutes.
func (p Peer) Due(now time.Time, tick time.Duration) bool {
	if p.Every <= 0 {
		return false
	}
	return p.Last.At.IsZero() || !now.Before(p.Last.At.Add(p.Every-tick/2))
}

// Source is the source name of the peer's records.
func (p Peer) Source() string { return SourcePrefix + p.Name }

// IsPeerSource reports whether source names a peer's records.
func IsPeerSource(source string) bool { return strings.HasPrefix(source, SourcePrefix) }

// CheckOrigin checks an instance name, the origin other vmcs see.
func CheckOrigin(name string) error {
	if !originPattern.MatchString(name) {
		return fmt.Errorf("%w: origin: malformed %q (lower-case letters, digits, '.', '_', '-'; at most 63)", ErrInvalid, name)
	}
	return nil
}

// Precedence returns base with the peers' sources placed by trust:
// Authority after "vmc" (else first), Standard after "nvd" (else after
// the authorities), Low at the end; peers of one level by name. Sources
// the base lists already keep their places.
func Precedence(base advisory.Precedence, peers []Peer) advisory.Precedence {
	ps := slices.Clone(peers)
	slices.SortFunc(ps, func(a, b Peer) int { return strings.Compare(a.Name, b.Name) })
	order := slices.Clone(base.Sources)
	order = slices.DeleteFunc(order, IsPeerSource)
	insert := func(after string, fallback int, t Trust) {
		at := fallback
		if i := slices.Index(order, after); i >= 0 {
			at = i + 1
		}
		for _, p := range ps {
			if p.Trust == t {
				order = slices.Insert(order, at, p.Source())
				at++
			}
		}
	}
	insert("vmc", 0, Authority)
	insert("nvd", len(order), Standard)
	insert("", len(order), Low)
	return base.WithSources(order)
}

// Origin is where a published record originated: self when any of its
// sources is not a peer's, else the first origin the peers' copies
// carry (peerOrigins, in precedence order), else self.
func Origin(self string, sources []string, peerOrigins []string) string {
	for _, s := range sources {
		if !IsPeerSource(s) {
			return self
		}
	}
	for _, o := range peerOrigins {
		if o != "" {
			return o
		}
	}
	return self
}

// Sealer seals the tokens peers issued to this vmc before the store
// keeps them, with AES-256-GCM under a key derived from a secret the
// operator configures (federation.key or VMC_FEDERATION__KEY): a copy of
// the database alone does not give the tokens away. Without a key,
// tokens are refused rather than kept in clear.
type Sealer struct{ aead cipher.AEAD }

// ErrNoKey marks a token given while no key is configured, and a sealed
// token read without the key.
var ErrNoKey = errors.New("no federation key configured (federation.key or VMC_FEDERATION__KEY): peer tokens are kept sealed")

// NewSealer derives the sealing key from secret (SHA-256); a secret
// shorter than 16 bytes is refused.
func NewSealer(secret string) (*Sealer, error) {
	if secret == "" {
		return nil, ErrNoKey
	}
	if len(secret) < 16 {
		return nil, fmt.Errorf("%w: federation key: at least 16 characters", ErrInvalid)
	}
	k := sha256.Sum256([]byte("vmc peer token\x00" + secret))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal seals a token for peer name (the name is bound in, so a sealed
// token cannot be moved to another peer's row).
func (s *Sealer) Seal(name, token string) (string, error) {
	if s == nil {
		return "", ErrNoKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(token), []byte(name))), nil
}

// Open opens what Seal sealed.
func (s *Sealer) Open(name, sealed string) (string, error) {
	if s == nil {
		return "", ErrNoKey
	}
	b64, ok := strings.CutPrefix(sealed, "v1:")
	b, err := base64.RawStdEncoding.DecodeString(b64)
	if !ok || err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("peer %s: token: not sealed by vmc", name)
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(name))
	if err != nil {
		return "", fmt.Errorf("peer %s: token: cannot be opened with the configured federation key", name)
	}
	return string(plain), nil
}
