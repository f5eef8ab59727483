// Package notify tells an incident's communication tree: it writes each
// stakeholder a message in their language (English or 简体中文) and
// sends it by e-mail, through an SMTP server (wneessen/go-mail), and by
// a signed webhook.
//
// # Disclosure control
//
// Nothing leaves before incident.Decide has asked incident.Release, on
// the e-mail or webhook channel, with the stakeholder as recipient, of
// every marking the message carries: its incident's, and its own when it
// is narrower. A label beyond the stakeholder's clearance withholds the
// message for good; an embargo that does not name the stakeholder (by
// name or e-mail address) holds it, and Sweep sends it once the embargo
// has lifted, asking Release again then. Every message to every
// stakeholder through every channel is a delivery in the store, recorded
// before it is attempted: pending, held or withheld, then sent, failed or
// cancelled, with the attempts made and the last error.
//
// # Retries
//
// A transient failure (a 4xx reply from the SMTP server, a network
// error, a webhook answering 408, 429 or 5xx) is retried with doubling
// waits; a permanent one (5xx from SMTP, any other 4xx from a webhook)
// fails the delivery at once. A delivery still pending long after vmc
// began it (vmc stopped part-way) is tried again by Sweep: delivery is
// at least once, and each message carries its delivery id (the
// X-Vmc-Delivery header, the e-mail's Message-ID, the webhook's
// "delivery" field) so that a receiver can drop a duplicate.
//
// # Webhook signatures
//
// A webhook call is a POST of JSON with the header
//
//	X-Vmc-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// where the HMAC is keyed with the stakeholder's webhook secret (its
// bytes as written, "whsec_…") over the timestamp, a full stop and the
// body: "1763630000." + body. Verify checks a call the way a receiver
// should: the signature compared in constant time, and a timestamp more
// than five minutes from the receiver's clock refused, so that a
// recorded call cannot be replayed later. Several v1 values may appear
// (a receiver accepts any), leaving room to sign with two secrets while
// one replaces the other.
//
// # Where webhook secrets are kept
//
// HMAC signing needs the secret itself, so unlike API tokens and
// passwords, which vmc keeps only as hashes, a webhook secret is stored
// as it is, in its own column of the stakeholder's row. It never leaves
// through the API after the response that created or rotated it,
// never enters the audit log or the timeline (their records of a
// stakeholder leave it out), and is not marshalled with the stakeholder.
// Whoever can read the database can read the secrets, and with them
// forge calls to the receivers; they can also read every incident the
// calls are about, so the secrets add little to what a copy of the
// database gives away. Encrypting them under a key kept outside the
// database would protect receivers against a stolen backup alone, at the
// price of a key to manage for every vmc process; that is left for when
// vmc has such a key for other purposes. A secret is rotated by asking
// for a new one (the stakeholder's update), and a receiver that was
// given a secret of its own choosing can have vmc use it.
package notify
