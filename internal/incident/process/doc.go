// Package process is the organisation's incident response process and the
// people who carry it out (OWASP SAMM VM2, "a consistent response
// process"), and the inputs of its periodic review (VM3):
//
//   - Playbooks: the process written down, step by step, each step with
//     the role responsible, in English and Chinese. A playbook is
//     versioned: a change is a new version and old versions are kept as
//     they were, so that an incident, a training or a briefing names the
//     version it used. Playbooks are imported and exported as YAML or
//     JSON (ParsePlaybook, EncodePlaybook).
//   - The response team roster (Member): vmc users and external people
//     (forensics, legal counsel), their role in the team, how to reach
//     them, and when they were on it.
//   - Training records (Training) and who is due or overdue for the
//     annual training on the current version of their playbooks
//     (Obligations).
//   - Stakeholder briefings (Briefing), and which teams were briefed
//     within a window (CoverageOf): SAMM's "% of project teams briefed on
//     the process in the last 6 months".
//   - Periodic reviews of the process (Review) on a schedule of at most
//     six months (Schedule), and when the next one is due (NextReview).
//
// The steps follow the incident response life cycle of NIST SP 800-61
// Rev. 2, "Computer Security Incident Handling Guide" (2012), section
// 3: preparation; detection and analysis; containment, eradication and
// recovery; post-incident activity (Phase).
//
// Like package incident, this package knows nothing of storage, HTTP or
// the command line.
package process
