// Package metrics measures the incident response over a window of time,
// as OWASP SAMM's vulnerability management practice asks (VM3, "learn
// from every incident"): incidents counted by category and severity and
// per project, their downtime, cost and effort, how long the response
// took to triage, contain and close them, and the trend per month; and
// SAMM's success metrics with their target of more than 80 %:
//
//   - project teams briefed on the process in the last six months (VM2);
//   - stakeholders informed of disclosures (VM2);
//   - closed incidents with a documented root cause and recommendations
//     (VM3);
//   - closed incidents with their metrics collated (VM3).
//
// with whether the periodic review of the process is due.
//
// Compute is a pure function of what it is given (Input): the caller
// reads the incidents, the briefing coverage, the communication record,
// the root-cause coverage and the review schedule from wherever they are
// kept. Each ratio keeps its numerator and denominator, and 0 of 0 is "no
// data", never 100 %.
//
// The window is [From, To): an incident belongs to it when it was
// detected in it, as the root-cause coverage counts incidents. Times are
// in UTC, and months are calendar months in UTC.
//
// Money is never added across currencies: costs are totals per currency.
//
// Like package incident, this package knows nothing of storage, HTTP or
// the command line.
package metrics
