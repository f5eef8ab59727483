package attackpath

import (
	"errors"
	"strings"
	"testing"
)

func TestParseProlog(t *testing.T) {
	src := `/* header */ attackerLocated(internet). % trailing
hacl(internet, 'web Server', tcp, 80).
nfsExportInfo(fs, '/export', _anyAccess, ws).
q('it''s', 'a\'b', -3).
hacl(X,Y,_,_) :-
	inSubnet(X,S),
	inSubnet(Y,S).
attackGoal(execCode(workStation,_)).
`
	cs, err := ParseProlog("t.P", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		s := c.Head.String()
		for i, b := range c.Body {
			if i == 0 {
				s += " :- "
			} else {
				s += ", "
			}
			s += b.String()
		}
		got = append(got, s)
	}
	want := []string{
		"attackerLocated(internet)",
		"hacl(internet,'web Server',tcp,80)",
		"nfsExportInfo(fs,'/export',_anyAccess,ws)",
		`q('it\'s','a\'b',-3)`,
		"hacl(X,Y,_,_) :- inSubnet(X,S), inSubnet(Y,S)",
		"attackGoal(execCode(workStation,_))",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cs[4].Line != 5 || cs[4].Col != 1 {
		t.Errorf("rule at %d:%d, want 5:1", cs[4].Line, cs[4].Col)
	}
	// String output parses back to the same term.
	for _, c := range cs {
		back, err := ParseTerm(c.Head.String())
		if err != nil || back.String() != c.Head.String() {
			t.Errorf("round trip of %s: %v %v", c.Head, back, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"missing dot", "a(b)\nc(d).", "m.P:2:1: expected '.' or ',' but found \"c\""},
		{"unclosed paren", "a(b, c.", "m.P:1:7: expected ',' or ')' in the arguments of a"},
		{"unclosed comment", "a.\n /* x", "m.P:2:2: comment not closed"},
		{"unclosed quote", "a('x).", "m.P:1:3: quoted atom not closed"},
		{"bad char", "a(b) & c.", "m.P:1:6: unexpected character '&'"},
		{"variable head", "X.", "m.P:1:1: a clause must start with a predicate"},
		{"deep", "a(" + strings.Repeat("f(", 20) + "x" + strings.Repeat(")", 21) + ".", "nested deeper than 8"},
		{"arity", "a(" + strings.Repeat("x,", 20) + "x).", "more than 16 arguments"},
		{"eof in clause", "a(b)", "missing '.' at the end"},
		{"huge int", "a(99999999999999999999).", "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseProlog("m.P", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("%v does not wrap ErrSyntax", err)
			}
		})
	}
}

func TestModelErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"derived stated", "execCode(a, root).", "m.P:1:1: invalid attack-path model: execCode is concluded by the interaction rules"},
		{"arity", "hacl(a, b, tcp).", "m.P:1:1: invalid attack-path model: hacl takes 4 arguments, not 3"},
		{"compound arg", "x.\nhacl(a, f(b), tcp, 80).", "m.P:2:1: invalid attack-path model: hacl: argument 2 is the compound term f(b)"},
		{"rule on derived", "hacl(X,Y,_,_) :- execCode(X,_), inSubnet(Y,_).", "cannot depend on execCode"},
		{"goal shape", "attackGoal(x).", "attackGoal takes one predicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMulVAL("m.P", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want %q wrapping ErrInvalid", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown field", `{"attacker": ["x"]}`, `unknown field "attacker"`},
		{"range", `{"vulnerabilities": [{"host":"h","id":"v","program":"p","range":"far","consequence":"privEscalation"}]}`, `vulnerabilities[0].range`},
		{"empty", `{"services": [{"host":"h","program":"","protocol":"tcp","port":"1","privilege":"u"}]}`, "services[0]: invalid attack-path model: field 2 of networkServiceInfo is empty"},
		{"likelihood", `{"vulnerabilities": [{"host":"h","id":"v","program":"p","range":"localExploit","consequence":"privEscalation","likelihood":2}]}`, "likelihood"},
		{"goal", `{"goals": ["exec("]}`, "goals[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseModel("m.json", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want %q wrapping ErrInvalid", err, tc.want)
			}
		})
	}
}

// The wildcard grounding must stay within MaxFacts: a model whose
// wildcards multiply out fails with ErrTooLarge rather than exhausting
// memory.
func TestTooLarge(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 200; i++ {
		b.WriteString("inSubnet(h" + itoa3(i) + ", s).\nnetworkServiceInfo(h" + itoa3(i) + ", p, proto" + itoa3(i) + ", port" + itoa3(i) + ", root).\n")
	}
	b.WriteString("hacl(_, _, _, _).\nattackerLocated(h000).\n")
	m, err := ParseMulVAL("big.P", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Analyse(m, Options{MaxFacts: 50000}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}

// FuzzParseModel: any input either fails with an error or analyses; it
// never panics.
func FuzzParseModel(f *testing.F) {
	f.Add([]byte("attackerLocated(internet).\nhacl(internet, w, tcp, 80).\nnetworkServiceInfo(w, httpd, tcp, 80, apache).\nvulExists(w, v, httpd).\nvulProperty(v, remoteExploit, privEscalation).\nattackGoal(execCode(w,_)).\n"))
	f.Add([]byte("hacl(X,Y,_,_) :- inSubnet(X,S), inSubnet(Y,S).\ninSubnet(a, s). inSubnet(b, s). /* c */ % d\n"))
	f.Add([]byte(twoDoors))
	f.Add([]byte("q('it''s', -3, _x)."))
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := ParseModel("fuzz", src)
		if err != nil {
			return
		}
		// A lower fact limit keeps one fuzz input from grounding for seconds.
		r, err := Analyse(m, Options{MaxFacts: 100000})
		if err != nil {
			return
		}
		_ = r.Graph()
		if _, err := r.Paths(2); err != nil {
			t.Fatalf("paths: %v", err)
		}
	})
}
