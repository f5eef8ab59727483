package storetest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

const (
	secretA = "whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	secretB = "whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// testCommunication walks a communication tree through the store: the
// organisation's default tree, copied onto a new incident; stakeholders
// changed (a rename followed by the escalation path), refused (a
// duplicate, a regulator cleared for RED) and removed (not while the
// path names them); an acknowledgement; deliveries queued, held,
// released, retried and finished, each outcome final; the count of
// stakeholders informed; every write in the audit log, no webhook secret
// in it.
func testCommunication(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()

	// The default tree.
	commander := incident.Stakeholder{Name: "alice", Role: incident.RoleCommander, Email: "alice@example.com", Lang: "en", Clearance: incident.Red}
	vendor := incident.Stakeholder{Name: "Vendor PSIRT", Role: incident.RoleVendor, Email: "psirt@vendor.example", Lang: "en", Clearance: incident.Amber}
	customer := incident.Stakeholder{Name: "Acme", Role: incident.RoleCustomer, Webhook: "https://hooks.acme.example/vmc", WebhookSecret: secretA,
		Lang: "zh-CN", Clearance: incident.Green}
	var def []incident.Stakeholder
	for _, st := range []incident.Stakeholder{commander, vendor, customer} {
		got, err := s.PutStakeholder(ctx, st, "admin")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == 0 || got.Incident != 0 || got.WebhookSecret != st.WebhookSecret {
			t.Errorf("added: %+v", got)
		}
		def = append(def, got)
	}
	for _, tc := range []struct {
		name  string
		st    incident.Stakeholder
		actor string
		want  error
		msg   string
	}{
		{"a second alice", commander, "admin", store.ErrConflict, `stakeholder "alice" is already in the default communication tree`},
		{"a regulator cleared for RED", incident.Stakeholder{Name: "CNCERT", Role: incident.RoleRegulator, Email: "cert@example.cn", Lang: "zh-CN",
			Clearance: incident.Red}, "admin", incident.ErrInvalid, "may be cleared for TLP:AMBER at most"},
		{"nobody's", incident.Stakeholder{Name: "bob", Role: incident.RoleResponder, Email: "bob@example.com", Lang: "en", Clearance: incident.Red},
			"", incident.ErrInvalid, "actor"},
		{"on no incident", incident.Stakeholder{Incident: 99, Name: "bob", Role: incident.RoleResponder, Email: "bob@example.com", Lang: "en",
			Clearance: incident.Red}, "admin", store.ErrNotFound, "incident 99"},
	} {
		if _, err := s.PutStakeholder(ctx, tc.st, tc.actor); !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %v %q", tc.name, err, tc.want, tc.msg)
		}
	}
	path := incident.Escalation{Levels: []incident.Level{
		{Level: 1, Severity: incident.SevLow, Notify: []string{"alice"}},
		{Level: 2, Severity: incident.SevHigh, AfterMinutes: 30, Notify: []string{"alice", "Vendor PSIRT"}},
	}}
	if _, err := s.PutEscalation(ctx, incident.Escalation{Levels: []incident.Level{{Level: 1, Severity: incident.SevLow, Notify: []string{"carol"}}}},
		"admin"); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "carol is not a stakeholder of the default communication tree") {
		t.Errorf("a path naming a stranger: %v", err)
	}
	if _, err := s.PutEscalation(ctx, path, "admin"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Escalation(ctx, 0); err != nil || !cmp.Equal(got, path) {
		t.Errorf("default path -want +got:\n%s (%v)", cmp.Diff(path, got), err)
	}

	// A new incident gets a copy; the default stays as it was.
	c.tick()
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now()}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := s.ListStakeholders(ctx, in.ID)
	if err != nil || len(tree) != 3 {
		t.Fatalf("copied tree: %+v, %v", tree, err)
	}
	byName := map[string]incident.Stakeholder{}
	for i, st := range tree {
		byName[st.Name] = st
		d := def[map[string]int{"alice": 0, "Vendor PSIRT": 1, "Acme": 2}[st.Name]]
		d.ID, d.Incident = st.ID, in.ID
		if diff := cmp.Diff(d, st); diff != "" || st.ID == def[0].ID || st.ID == def[1].ID || st.ID == def[2].ID {
			t.Errorf("copied stakeholder %d -want +got:\n%s", i, diff)
		}
	}
	if tree[0].Name != "Acme" || tree[2].Name != "alice" {
		t.Errorf("tree not by name: %v, %v, %v", tree[0].Name, tree[1].Name, tree[2].Name)
	}
	wantPath := path
	wantPath.Incident = in.ID
	if got, err := s.Escalation(ctx, in.ID); err != nil || !cmp.Equal(got, wantPath) {
		t.Errorf("copied path -want +got:\n%s (%v)", cmp.Diff(wantPath, got), err)
	}
	if _, err := s.ListStakeholders(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tree of no incident: %v", err)
	}
	if got, err := s.Escalation(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("path of no incident: %+v, %v", got, err)
	}

	// Changes to the incident's tree: a rename the path follows, a
	// change that keeps the webhook secret, one that rotates it, one that
	// changes nothing and leaves no trace.
	c.tick()
	alice := byName["alice"]
	alice.Name = "Alice Chen"
	if alice, err = s.PutStakeholder(ctx, alice, "alice"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Escalation(ctx, in.ID); !cmp.Equal(got.Names(), []string{"Alice Chen", "Vendor PSIRT"}) {
		t.Errorf("path after the rename: %v", got.Names())
	}
	if got, _ := s.Escalation(ctx, 0); !cmp.Equal(got.Names(), []string{"alice", "Vendor PSIRT"}) {
		t.Errorf("default path after the incident's rename: %v", got.Names())
	}
	acme := byName["Acme"]
	acme.WebhookSecret, acme.Clearance = "", incident.Amber
	if acme, err = s.PutStakeholder(ctx, acme, "alice"); err != nil || acme.WebhookSecret != secretA || acme.Clearance != incident.Amber {
		t.Errorf("changed, secret kept: %+v, %v", acme, err)
	}
	acme.WebhookSecret = secretB
	if acme, err = s.PutStakeholder(ctx, acme, "alice"); err != nil || acme.WebhookSecret != secretB {
		t.Errorf("secret rotated: %+v, %v", acme, err)
	}
	if got, err := s.Stakeholder(ctx, acme.ID); err != nil || !cmp.Equal(got, acme) {
		t.Errorf("read back -want +got:\n%s (%v)", cmp.Diff(acme, got), err)
	}
	before, _ := s.AuditOf(ctx, "incident:1")
	if again, err := s.PutStakeholder(ctx, acme, "alice"); err != nil || !cmp.Equal(again, acme) {
		t.Errorf("unchanged: %+v, %v", again, err)
	}
	if after, _ := s.AuditOf(ctx, "incident:1"); len(after) != len(before) {
		t.Errorf("an unchanged stakeholder left %d audit entries", len(after)-len(before))
	}
	moved := acme
	moved.Incident = 99
	if _, err := s.PutStakeholder(ctx, moved, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("a stakeholder moved to another tree: %v", err)
	}
	dup := acme
	dup.Name = "Alice Chen"
	if _, err := s.PutStakeholder(ctx, dup, "alice"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("renamed onto another: %v", err)
	}
	if _, err := s.Stakeholder(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown stakeholder: %v", err)
	}

	// Removal: not while the path names them.
	if err := s.RemoveStakeholder(ctx, byName["Vendor PSIRT"].ID, "alice"); !errors.Is(err, incident.ErrInvalid) ||
		!strings.Contains(err.Error(), "stakeholder Vendor PSIRT: the escalation path names them at level 2") {
		t.Errorf("removing a stakeholder the path names: %v", err)
	}
	extra, err := s.PutStakeholder(ctx, incident.Stakeholder{Incident: in.ID, Name: "Legal", Role: incident.RoleLegal, Email: "legal@example.com",
		Lang: "zh-CN", Clearance: incident.AmberStrict}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveStakeholder(ctx, extra.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveStakeholder(ctx, extra.ID, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed twice: %v", err)
	}

	// An acknowledgement.
	c.tick()
	ack, err := s.Acknowledge(ctx, incident.Ack{Incident: in.ID, By: "bob", Note: "on it"})
	if err != nil || ack.ID == 0 || !ack.At.Equal(c.now()) {
		t.Errorf("acknowledged: %+v, %v", ack, err)
	}
	if _, err := s.Acknowledge(ctx, incident.Ack{Incident: 99, By: "bob"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("acknowledging no incident: %v", err)
	}
	if _, err := s.Acknowledge(ctx, incident.Ack{Incident: in.ID}); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an acknowledgement by nobody: %v", err)
	}
	if acks, err := s.Acks(ctx, in.ID); err != nil || !cmp.Equal(acks, []incident.Ack{ack}) {
		t.Errorf("acks: %+v, %v", acks, err)
	}

	// Deliveries: one pending, one held under embargo, one withheld, one
	// escalation.
	c.tick()
	until := c.now().Add(48 * time.Hour)
	vendorSt := byName["Vendor PSIRT"]
	msg := incident.Delivery{Incident: in.ID, Kind: incident.MessageBriefing, Text: "Containment done; 攻击者已被隔离。", Subject: "[TLP:AMBER] Briefing"}
	to := func(st incident.Stakeholder, ch incident.Channel, status incident.DeliveryStatus) incident.Delivery {
		d := msg
		d.Stakeholder, d.Name, d.Channel, d.Status = st.ID, st.Name, ch, status
		d.Address = st.Email
		if ch == incident.ChannelWebhook {
			d.Address = st.Webhook
		}
		return d
	}
	heldD := to(acme, incident.ChannelWebhook, incident.DeliveryHeld)
	heldD.HeldUntil, heldD.Reason = until, "withheld: under embargo until …"
	heldD.Marking = &incident.Marking{TLP: incident.Green, Embargo: &incident.Embargo{Until: until, Recipients: []string{"Vendor PSIRT"}}}
	withheld := to(vendorSt, incident.ChannelEmail, incident.DeliveryWithheld)
	withheld.Reason = "withheld: TLP:RED is beyond Vendor PSIRT's clearance (TLP:AMBER)"
	esc := to(alice, incident.ChannelEmail, incident.DeliveryPending)
	esc.Kind, esc.Level = incident.MessageEscalation, 2
	ds, err := s.QueueDeliveries(ctx, []incident.Delivery{to(alice, incident.ChannelEmail, incident.DeliveryPending), heldD, withheld, esc}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 4 || ds[0].ID == 0 || ds[0].Actor != "alice" || !ds[0].Created.Equal(c.now()) || !ds[0].Done.IsZero() ||
		!ds[2].Done.Equal(c.now()) || !ds[1].HeldUntil.Equal(until) || ds[1].Marking == nil || ds[1].Marking.Embargo.Recipients[0] != "Vendor PSIRT" {
		t.Errorf("queued: %+v", ds)
	}
	if got, err := s.Delivery(ctx, ds[1].ID); err != nil || !cmp.Equal(got, ds[1]) {
		t.Errorf("read back -want +got:\n%s (%v)", cmp.Diff(ds[1], got), err)
	}
	if _, err := s.QueueDeliveries(ctx, []incident.Delivery{esc}, "system"); !errors.Is(err, store.ErrConflict) ||
		!strings.Contains(err.Error(), "incident 1 was escalated to Alice Chen by email at level 2 already") {
		t.Errorf("a second escalation at the same level: %v", err)
	}
	for name, bad := range map[string]incident.Delivery{
		"queued as sent": to(alice, incident.ChannelEmail, incident.DeliverySent),
		"no channel":     to(alice, "", incident.DeliveryPending),
		"no incident": func() incident.Delivery {
			d := to(alice, incident.ChannelEmail, incident.DeliveryPending)
			d.Incident = 99
			return d
		}(),
	} {
		if _, err := s.QueueDeliveries(ctx, []incident.Delivery{bad}, "alice"); err == nil {
			t.Errorf("%s: queued", name)
		}
	}

	// Outcomes: sent is final; a held delivery is not due before its
	// date, and is claimed once after it.
	c.tick()
	sent := ds[0]
	sent.Status, sent.Attempts, sent.Subject = incident.DeliverySent, 2, "[TLP:AMBER] Briefing on INC-1"
	if sent, err = s.FinishDelivery(ctx, sent); err != nil || !sent.Done.Equal(c.now()) || sent.Attempts != 2 {
		t.Errorf("sent: %+v, %v", sent, err)
	}
	again := sent
	again.Status = incident.DeliveryFailed
	if _, err := s.FinishDelivery(ctx, again); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a sent delivery failed afterwards: %v", err)
	}
	if _, err := s.FinishDelivery(ctx, ds[2]); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a withheld delivery finished: %v", err)
	}
	pendingAgain := ds[3]
	pendingAgain.Status = incident.DeliveryPending
	if _, err := s.FinishDelivery(ctx, pendingAgain); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("finished as pending: %v", err)
	}
	stale := c.now().Add(-15 * time.Minute)
	if due, err := s.DueDeliveries(ctx, c.now(), stale); err != nil || len(due) != 0 {
		t.Errorf("due before the embargo lifts: %+v, %v", due, err)
	}
	if _, err := s.ClaimDelivery(ctx, ds[1].ID, c.now(), stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claimed under embargo: %v", err)
	}
	if _, err := s.ClaimDelivery(ctx, ds[3].ID, c.now(), stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claimed a pending delivery in progress: %v", err)
	}
	later := until.Add(time.Minute)
	due, err := s.DueDeliveries(ctx, later, later.Add(-15*time.Minute))
	if err != nil || len(due) != 2 || due[0].ID != ds[1].ID || due[1].ID != ds[3].ID {
		t.Errorf("due after the embargo (held, and pending since long before): %+v, %v", due, err)
	}
	claimed, err := s.ClaimDelivery(ctx, ds[1].ID, later, later.Add(-15*time.Minute))
	if err != nil || claimed.Status != incident.DeliveryPending {
		t.Fatalf("claimed: %+v, %v", claimed, err)
	}
	if _, err := s.ClaimDelivery(ctx, ds[1].ID, later, later.Add(-15*time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claimed twice: %v", err)
	}
	if _, err := s.ClaimDelivery(ctx, ds[0].ID, later, later); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claimed a sent delivery: %v", err)
	}
	failed := claimed
	failed.Status, failed.Attempts, failed.Reason = incident.DeliveryFailed, 3, "webhook: 503 Service Unavailable"
	if failed, err = s.FinishDelivery(ctx, failed); err != nil || failed.Status != incident.DeliveryFailed || failed.Reason == "" {
		t.Errorf("failed: %+v, %v", failed, err)
	}
	reheld := ds[3]
	reheld.Status, reheld.HeldUntil, reheld.Reason = incident.DeliveryHeld, later, "embargo extended"
	if reheld, err = s.FinishDelivery(ctx, reheld); err != nil || !reheld.HeldUntil.Equal(later) || !reheld.Done.IsZero() {
		t.Errorf("held again: %+v, %v", reheld, err)
	}

	for _, tc := range []struct {
		q    store.DeliveryQuery
		want []int64
	}{
		{store.DeliveryQuery{}, []int64{ds[0].ID, ds[1].ID, ds[2].ID, ds[3].ID}},
		{store.DeliveryQuery{Incident: in.ID, Kind: incident.MessageEscalation}, []int64{ds[3].ID}},
		{store.DeliveryQuery{Status: incident.DeliveryWithheld}, []int64{ds[2].ID}},
	} {
		list, err := s.ListDeliveries(ctx, tc.q)
		var got []int64
		for _, d := range list {
			got = append(got, d.ID)
		}
		if err != nil || !cmp.Equal(tc.want, got) {
			t.Errorf("ListDeliveries(%+v) = %v, %v; want %v", tc.q, got, err, tc.want)
		}
	}
	if _, err := s.ListDeliveries(ctx, store.DeliveryQuery{Incident: 99}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deliveries of no incident: %v", err)
	}

	// Informed: 3 stakeholders, one sent a briefing; none an advisory.
	// A second incident, with the default tree copied and nobody told.
	c.tick()
	other, err := s.PutIncident(ctx, incident.Incident{Title: "Phishing", Category: incident.Phishing, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Green}, Detected: c.now()}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    store.InformedQuery
		want []store.Informed
	}{
		{store.InformedQuery{}, []store.Informed{{Incident: in.ID, Stakeholders: 3, Informed: 1}, {Incident: other.ID, Stakeholders: 3}}},
		{store.InformedQuery{Incident: in.ID, Kinds: []incident.MessageKind{incident.MessageAdvisory}}, []store.Informed{{Incident: in.ID, Stakeholders: 3}}},
		{store.InformedQuery{Incident: in.ID, Kinds: []incident.MessageKind{incident.MessageAdvisory, incident.MessageBriefing}},
			[]store.Informed{{Incident: in.ID, Stakeholders: 3, Informed: 1}}},
	} {
		got, err := s.Informed(ctx, tc.q)
		if diff := cmp.Diff(tc.want, got); err != nil || diff != "" {
			t.Errorf("Informed(%+v) -want +got:\n%s (%v)", tc.q, diff, err)
		}
	}
	if _, err := s.Informed(ctx, store.InformedQuery{Incident: 99}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("informed of no incident: %v", err)
	}

	// The timeline and the audit log, which never holds a secret.
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	wantLines := []string{
		"alice state reported: Webshell on shop-web (exploitation, high, TLP:AMBER)",
		"alice communication communication tree copied from the default: 3 stakeholders (Acme, Vendor PSIRT, alice), 2 escalation levels",
		"alice communication stakeholder changed: Alice Chen (commander, e-mail alice@example.com, cleared for TLP:RED, en); the escalation path now names Alice Chen for alice",
		"alice communication stakeholder changed: Acme (customer, webhook https://hooks.acme.example/vmc, cleared for TLP:AMBER, zh-CN, outside the organisation)",
		"alice communication stakeholder changed: Acme (customer, webhook https://hooks.acme.example/vmc, cleared for TLP:AMBER, zh-CN, outside the organisation); webhook secret rotated",
		"alice communication stakeholder added: Legal (legal, e-mail legal@example.com, cleared for TLP:AMBER+STRICT, zh-CN)",
		"alice communication stakeholder removed: Legal (legal, e-mail legal@example.com, cleared for TLP:AMBER+STRICT, zh-CN)",
		"bob communication acknowledged by bob: on it",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}
	var acts []string
	for _, obj := range []string{"communication-tree", "incident:1"} {
		es, err := s.AuditOf(ctx, obj)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			acts = append(acts, e.Actor+" "+e.Action)
			for _, secret := range []string{secretA, secretB} {
				if strings.Contains(string(e.Before)+string(e.After)+e.Reason, secret) {
					t.Errorf("audit entry %d (%s) holds a webhook secret", e.Seq, e.Action)
				}
			}
		}
	}
	wantActs := []string{
		"admin incident.stakeholder.add", "admin incident.stakeholder.add", "admin incident.stakeholder.add", "admin incident.escalation",
		"alice incident.create", "alice incident.tree.copy",
		"alice incident.stakeholder.update", "alice incident.stakeholder.update", "alice incident.stakeholder.update",
		"alice incident.stakeholder.add", "alice incident.stakeholder.remove", "bob incident.ack",
		"alice incident.notify.queue", "alice incident.notify.held", "alice incident.notify.withheld", "alice incident.notify.queue",
		"alice incident.notify.sent", "system incident.notify.release", "alice incident.notify.failed", "alice incident.notify.held",
	}
	if diff := cmp.Diff(wantActs, acts); diff != "" {
		t.Errorf("audit -want +got:\n%s", diff)
	}

	// Behind the store's back, a delivery's outcome and message stay as
	// recorded, acknowledgements too; a held one may still change.
	if db, ok := s.(interface{ DB() *sql.DB }); ok {
		for _, q := range []string{
			`UPDATE incident_deliveries SET status = 'sent' WHERE status = 'failed'`,
			`UPDATE incident_deliveries SET text = 'nothing to see' WHERE status = 'held'`,
			`DELETE FROM incident_deliveries`,
			`UPDATE incident_acks SET note = 'later'`,
			`DELETE FROM incident_acks`,
		} {
			if _, err := db.DB().ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
		if _, err := db.DB().ExecContext(ctx, `UPDATE incident_deliveries SET reason = 'still waiting' WHERE status = 'held'`); err != nil {
			t.Errorf("a held delivery's outcome: %v", err)
		}
	} else {
		t.Log("the store has no DB(): append-only tables not checked behind its back")
	}
}
