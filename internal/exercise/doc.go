// Package exercise is offensive security work done by people rather than
// tools: penetration tests, red-team exercises (实网攻防演练), purple-team
// exercises and bug bounties. An exercise has a scope (assets, hosts,
// URLs, CIDR blocks), rules of engagement, dates, a team and a
// methodology; its testers record manual findings with the steps to
// reproduce them, attach evidence, and retest them once the owners say
// they are fixed.
//
// An exercise is a tool like any scanner as far as vmc's findings go: its
// manual findings are its results (Reports builds them as a scan.Report
// per asset, named by Tool), so a manual finding becomes a vmc finding
// with the exercise as evidence, or joins the finding a scanner or vmc's
// own matching already has for the same vulnerability on the same place.
// A retest that finds the vulnerability fixed takes the result out of the
// exercise's next report, and the finding is resolved, verified by that
// retest, unless another tool still reports it.
//
// Attachments are evidence in the custody sense: their SHA-256 is taken
// when they are received, and they are never changed afterwards.
//
// This package knows nothing of storage, HTTP or the command line.
package exercise
