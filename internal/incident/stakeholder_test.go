package incident

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testSecret = "whsec_0123456789abcdef0123456789abcdef"

func TestStakeholderValidate(t *testing.T) {
	ok := Stakeholder{Name: "Alice Chen", Role: RoleCommander, Email: "alice@example.com", Lang: "en", Clearance: Red}
	with := func(f func(*Stakeholder)) Stakeholder { s := ok; f(&s); return s }
	for _, tc := range []struct {
		name string
		s    Stakeholder
		err  string
	}{
		{"commander, red", ok, ""},
		{"webhook only", with(func(s *Stakeholder) {
			s.Email, s.Webhook, s.WebhookSecret = "", "https://hooks.example.com/vmc?team=soc", testSecret
		}), ""},
		{"webhook to a local relay over http", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "http://127.0.0.1:9000/hook", testSecret }), ""},
		{"webhook to localhost over http", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "http://localhost/hook", testSecret }), ""},
		{"customer at amber", with(func(s *Stakeholder) { s.Role, s.Clearance = RoleCustomer, Amber }), ""},
		{"external counsel at green", with(func(s *Stakeholder) { s.Role, s.External, s.Clearance = RoleLegal, true, Green }), ""},
		{"Chinese name", with(func(s *Stakeholder) { s.Name, s.Lang = "王芳", "zh-CN" }), ""},

		{"no name", with(func(s *Stakeholder) { s.Name = "" }), `stakeholder name: "" is not a name`},
		{"name on two lines", with(func(s *Stakeholder) { s.Name = "a\nb" }), "stakeholder name"},
		{"unknown role", with(func(s *Stakeholder) { s.Role = "ceo" }), `stakeholder role: unknown "ceo"`},
		{"no way to reach them", with(func(s *Stakeholder) { s.Email = "" }), "Alice Chen: neither an e-mail address nor a webhook"},
		{"unknown language", with(func(s *Stakeholder) { s.Lang = "fr" }), `stakeholder lang: unknown "fr" (en, zh-CN)`},
		{"no clearance", with(func(s *Stakeholder) { s.Clearance = "" }), `stakeholder clearance: unknown TLP label ""`},
		{"regulator at red", with(func(s *Stakeholder) { s.Role, s.Clearance = RoleRegulator, Red }),
			"Alice Chen is outside the organisation (a regulator) and may be cleared for TLP:AMBER at most, not TLP:RED"},
		{"external at amber+strict", with(func(s *Stakeholder) { s.External, s.Clearance = true, AmberStrict }),
			"(external) and may be cleared for TLP:AMBER at most, not TLP:AMBER+STRICT"},
		{"display name in the address", with(func(s *Stakeholder) { s.Email = "Alice <alice@example.com>" }), "is not an e-mail address"},
		{"not an address", with(func(s *Stakeholder) { s.Email = "alice" }), `stakeholder email: "alice" is not an e-mail address`},
		{"two addresses", with(func(s *Stakeholder) { s.Email = "a@example.com, b@example.com" }), "is not an e-mail address"},
		{"long address", with(func(s *Stakeholder) { s.Email = strings.Repeat("a", 250) + "@example.com" }), "longer than 254 bytes"},
		{"webhook over http", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "http://hooks.example.com/x", testSecret }),
			"http only to a loopback address; use https"},
		{"webhook with credentials", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "https://u:p@hooks.example.com/x", testSecret }),
			"credentials in the URL"},
		{"webhook of another scheme", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "ftp://hooks.example.com/x", testSecret }),
			`scheme "ftp" is not https`},
		{"webhook without host", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "https:///x", testSecret }), "no host"},
		{"relative webhook", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "/hook", testSecret }), "no host"},
		{"webhook without secret", with(func(s *Stakeholder) { s.Webhook = "https://hooks.example.com/x" }), "webhook secret: shorter than 32 bytes"},
		{"webhook with a short secret", with(func(s *Stakeholder) { s.Webhook, s.WebhookSecret = "https://hooks.example.com/x", "whsec_short" }),
			"shorter than 32 bytes"},
		{"webhook secret with a space", with(func(s *Stakeholder) {
			s.Webhook, s.WebhookSecret = "https://hooks.example.com/x", "whsec_0123456789abcdef 0123456789abcdef"
		}), "not one word"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]string{"en": "en", "EN-us": "en", "zh": "zh-CN", "zh-CN": "zh-CN", " zh-Hans ": "zh-CN", "fr": "", "": ""} {
		got, err := ParseLang(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestEscalationValidate(t *testing.T) {
	lvl := func(n int, sev Severity, after int, names ...string) Level {
		return Level{Level: n, Severity: sev, AfterMinutes: after, Notify: names}
	}
	for _, tc := range []struct {
		name string
		e    Escalation
		err  string
	}{
		{"empty path", Escalation{}, ""},
		{"three levels, with a gap", Escalation{Levels: []Level{lvl(1, SevLow, 0, "soc"), lvl(2, SevHigh, 30, "commander"), lvl(5, SevCritical, 0, "ciso", "legal")}}, ""},
		{"level 0", Escalation{Levels: []Level{lvl(0, SevLow, 0, "soc")}}, "escalation levels[0].level: 0 is not between 1 and 99"},
		{"levels out of order", Escalation{Levels: []Level{lvl(2, SevLow, 0, "soc"), lvl(2, SevHigh, 0, "ciso")}},
			"escalation levels[1].level: 2 does not follow level 2"},
		{"unknown severity", Escalation{Levels: []Level{lvl(1, "urgent", 0, "soc")}}, `escalation levels[0].severity: unknown "urgent"`},
		{"negative wait", Escalation{Levels: []Level{lvl(1, SevLow, -5, "soc")}}, "after_minutes: -5 is not between 0 and 43200"},
		{"a wait of a year", Escalation{Levels: []Level{lvl(1, SevLow, 525600, "soc")}}, "after_minutes: 525600"},
		{"nobody", Escalation{Levels: []Level{lvl(1, SevLow, 0)}}, "escalation levels[0].notify: nobody"},
		{"a bad name", Escalation{Levels: []Level{lvl(1, SevLow, 0, "soc", " ")}}, `escalation levels[0].notify[1]: " " is not a name`},
		{"a name twice", Escalation{Levels: []Level{lvl(1, SevLow, 0, "soc", "soc")}}, "notify[1]: soc is named twice"},
		{"too many levels", Escalation{Levels: func() []Level {
			var ls []Level
			for i := 1; i <= 11; i++ {
				ls = append(ls, lvl(i, SevLow, 0, "soc"))
			}
			return ls
		}()}, "11 levels, at most 10"},
	} {
		err := tc.e.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// TestEscalationDue: levels for the incident's severity are taken at
// once, or when their time without acknowledgement has come; an
// acknowledgement stops only the waiting ones; a closed incident
// escalates to nobody.
func TestEscalationDue(t *testing.T) {
	reported := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	path := Escalation{Levels: []Level{
		{Level: 1, Severity: SevLow, Notify: []string{"soc"}},
		{Level: 2, Severity: SevMedium, AfterMinutes: 30, Notify: []string{"commander"}},
		{Level: 3, Severity: SevCritical, Notify: []string{"ciso"}},
		{Level: 4, Severity: SevHigh, AfterMinutes: 120, Notify: []string{"ciso", "legal"}},
	}}
	in := func(sev Severity, st State) Incident { return Incident{Severity: sev, State: st, Reported: reported} }
	for _, tc := range []struct {
		name  string
		in    Incident
		acked bool
		at    time.Duration // after reported
		want  []int
	}{
		{"low, at once", in(SevLow, Reported), false, 0, []int{1}},
		{"low, hours later", in(SevLow, Reported), false, 5 * time.Hour, []int{1}},
		{"high, just before 30 minutes", in(SevHigh, Reported), false, 30*time.Minute - time.Second, []int{1}},
		{"high, at 30 minutes", in(SevHigh, Reported), false, 30 * time.Minute, []int{1, 2}},
		{"high, after two hours", in(SevHigh, Triaged), false, 2 * time.Hour, []int{1, 2, 4}},
		{"high, acknowledged", in(SevHigh, Reported), true, 2 * time.Hour, []int{1}},
		{"critical, at once", in(SevCritical, Reported), false, 0, []int{1, 3}},
		{"critical, acknowledged, late", in(SevCritical, Contained), true, 3 * time.Hour, []int{1, 3}},
		{"closed", in(SevCritical, Closed), false, 3 * time.Hour, nil},
		{"reviewed", in(SevCritical, Reviewed), false, 0, nil},
	} {
		var got []int
		for _, l := range path.Due(tc.in, tc.acked, reported.Add(tc.at)) {
			got = append(got, l.Level)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: levels -want +got:\n%s", tc.name, diff)
		}
	}
	if got := path.Names(); !cmp.Equal(got, []string{"soc", "commander", "ciso", "legal"}) {
		t.Errorf("names: %v", got)
	}
	if l, ok := path.Level(3); !ok || l.Notify[0] != "ciso" {
		t.Errorf("level 3: %+v, %v", l, ok)
	}
	if _, ok := path.Level(9); ok {
		t.Error("level 9 found")
	}
}

// TestDecide: a message goes to a stakeholder only if every marking it
// carries releases it to them; a label beyond their clearance withholds
// it, an embargo not naming them (by name or address) holds it until
// the date, after which it goes.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	until := now.Add(72 * time.Hour)
	embargo := func(names ...string) *Embargo { return &Embargo{Until: until, Recipients: names} }
	commander := Stakeholder{Name: "alice", Role: RoleCommander, Email: "alice@example.com", Clearance: Red}
	vendor := Stakeholder{Name: "Vendor PSIRT", Role: RoleVendor, Email: "psirt@vendor.example", Clearance: Amber}
	customer := Stakeholder{Name: "Acme", Role: RoleCustomer, Webhook: "https://hooks.acme.example/x", Clearance: Green}
	for _, tc := range []struct {
		name     string
		markings []Marking
		s        Stakeholder
		at       time.Time
		want     DeliveryDecision
	}{
		{"red to the commander", []Marking{{TLP: Red}}, commander, now, DeliveryDecision{Status: DeliveryPending}},
		{"red to the vendor", []Marking{{TLP: Red}}, vendor, now,
			DeliveryDecision{Status: DeliveryWithheld, Reason: "withheld: TLP:RED is beyond Vendor PSIRT's clearance (TLP:AMBER)"}},
		{"amber to the customer", []Marking{{TLP: Amber}}, customer, now,
			DeliveryDecision{Status: DeliveryWithheld, Reason: "withheld: TLP:AMBER is beyond Acme's clearance (TLP:GREEN)"}},
		{"embargoed, vendor named by address", []Marking{{TLP: Amber, Embargo: embargo("PSIRT@vendor.example")}}, vendor, now, DeliveryDecision{Status: DeliveryPending}},
		{"embargoed, vendor named by name", []Marking{{TLP: Amber, Embargo: embargo("Vendor PSIRT")}}, vendor, now, DeliveryDecision{Status: DeliveryPending}},
		{"embargoed, commander not named", []Marking{{TLP: Amber, Embargo: embargo("psirt@vendor.example")}}, commander, now,
			DeliveryDecision{Status: DeliveryHeld, Reason: "withheld: under embargo until 2026-11-26T00:00:00Z", HeldUntil: until}},
		{"embargo lifted", []Marking{{TLP: Amber, Embargo: embargo("psirt@vendor.example")}}, commander, until, DeliveryDecision{Status: DeliveryPending}},
		{"embargoed and beyond clearance", []Marking{{TLP: Red, Embargo: embargo()}}, vendor, now,
			DeliveryDecision{Status: DeliveryWithheld, Reason: "withheld: TLP:RED is beyond Vendor PSIRT's clearance (TLP:AMBER)"}},
		{"the message narrower than its incident", []Marking{{TLP: Green}, {TLP: Red}}, vendor, now,
			DeliveryDecision{Status: DeliveryWithheld, Reason: "withheld: TLP:RED is beyond Vendor PSIRT's clearance (TLP:AMBER)"}},
		{"the message under its own embargo", []Marking{{TLP: Green}, {TLP: Green, Embargo: embargo()}}, customer, now,
			DeliveryDecision{Status: DeliveryHeld, Reason: "withheld: under embargo until 2026-11-26T00:00:00Z", HeldUntil: until}},
		{"two embargoes: held until the later", []Marking{{TLP: Green, Embargo: &Embargo{Until: now.Add(time.Hour)}}, {TLP: Green, Embargo: embargo()}}, customer, now,
			DeliveryDecision{Status: DeliveryHeld, Reason: "withheld: under embargo until 2026-11-23T01:00:00Z; withheld: under embargo until 2026-11-26T00:00:00Z", HeldUntil: until}},
	} {
		if diff := cmp.Diff(tc.want, Decide(tc.markings, ChannelEmail, tc.s, tc.at)); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tc.name, diff)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		ms   []Marking
		want TLP
	}{
		{nil, Clear},
		{[]Marking{{TLP: Amber}}, Amber},
		{[]Marking{{TLP: Amber}, {TLP: Red}}, Red},
		{[]Marking{{TLP: AmberStrict}, {TLP: Green}}, AmberStrict},
	} {
		if got := Label(tc.ms); got != tc.want {
			t.Errorf("Label(%v) = %s, want %s", tc.ms, got, tc.want)
		}
	}
}

func TestDeliveryValidate(t *testing.T) {
	ok := Delivery{Incident: 1, Name: "alice", Channel: ChannelEmail, Address: "alice@example.com", Kind: MessageBriefing,
		Status: DeliveryPending, Actor: "bob"}
	with := func(f func(*Delivery)) Delivery { d := ok; f(&d); return d }
	for _, tc := range []struct {
		name string
		d    Delivery
		err  string
	}{
		{"briefing", ok, ""},
		{"escalation", with(func(d *Delivery) { d.Kind, d.Level = MessageEscalation, 2 }), ""},
		{"held", with(func(d *Delivery) { d.Status, d.HeldUntil = DeliveryHeld, time.Now() }), ""},
		{"no incident", with(func(d *Delivery) { d.Incident = 0 }), "delivery incident: 0"},
		{"channel of the API", with(func(d *Delivery) { d.Channel = ChannelAPI }), `delivery channel: "api" is neither email nor webhook`},
		{"escalation without level", with(func(d *Delivery) { d.Kind = MessageEscalation }), "delivery level: 0 for a escalation message"},
		{"briefing with level", with(func(d *Delivery) { d.Level = 1 }), "delivery level: 1 for a briefing message"},
		{"unknown kind", with(func(d *Delivery) { d.Kind = "gossip" }), `delivery kind: unknown "gossip"`},
		{"long text", with(func(d *Delivery) { d.Text = strings.Repeat("x", 17<<10) }), "message text: longer than 16 KiB"},
		{"text not UTF-8", with(func(d *Delivery) { d.Text = "\xff" }), "message text: not UTF-8"},
		{"held without date", with(func(d *Delivery) { d.Status = DeliveryHeld }), "a held delivery waits for a date"},
		{"nobody sent it", with(func(d *Delivery) { d.Actor = "" }), "delivery actor"},
		{"bad marking", with(func(d *Delivery) { d.Marking = &Marking{TLP: "PURPLE"} }), `message marking: tlp: unknown "PURPLE"`},
	} {
		err := tc.d.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// FuzzStakeholder: validating whatever an API caller sends never panics,
// and a stakeholder that passes has an address and a URL that parse.
func FuzzStakeholder(f *testing.F) {
	f.Add("alice", "alice@example.com", "https://hooks.example.com/x", "zh-CN")
	f.Add("王芳", "wang@例子.公司", "http://[::1]:80/", "en")
	f.Add("x", "", "http://localhost:0/%zz", "fr")
	f.Fuzz(func(t *testing.T, name, email, webhook, lang string) {
		s := Stakeholder{Name: name, Role: RoleOperator, Email: email, Webhook: webhook, WebhookSecret: testSecret, Lang: lang, Clearance: Amber}
		if err := s.Validate(); err != nil {
			return
		}
		if s.Email == "" && s.Webhook == "" {
			t.Fatalf("valid without a way to reach: %+v", s)
		}
		if s.Webhook != "" && checkWebhook(s.Webhook) != nil {
			t.Fatalf("webhook %q passed once, not twice", s.Webhook)
		}
	})
}
