package auth

// StatusPrefix starts the secret of a reporter's status link: someone
// outside the organisation who sent a vulnerability report, without an
// account, follows it with this link alone. It has the form and the
// strength of an API token (see secret.go) and, like one, is kept only
// as the SHA-256 of its secret, checked with CheckTokenSecret; its own
// prefix keeps one kind of secret from being tried as the other.
const StatusPrefix = "vmcr"

// NewStatusToken makes the secret of a status link. The plaintext goes
// to the reporter once; the store keeps id and hash.
func NewStatusToken() (plaintext, id, hash string) { return newSecret(StatusPrefix) }

// ParseStatusToken splits a status link's secret into its public id and
// its secret.
func ParseStatusToken(s string) (id, secret string, err error) { return parseSecret(StatusPrefix, s) }
