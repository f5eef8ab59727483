package samm

import (
	"errors"
	"testing"
)

func TestCompute(t *testing.T) {
	for _, tc := range []struct {
		name           string
		in             Answers
		a, b, practice float64
		level1, level3 float64
		answered       int
	}{
		{name: "nothing answered", in: Answers{}},
		{name: "all no", in: Answers{"O-EM-1-A": 0, "O-EM-1-B": 0}, answered: 2},
		{name: "level 1 done, level 2 half", in: Answers{"O-EM-1-A": 3, "O-EM-1-B": 3, "O-EM-2-A": 2, "O-EM-2-B": 1},
			a: 1.5, b: 1.25, practice: 1.375, level1: 1, answered: 4},
		{name: "everything", in: Answers{"O-EM-1-A": 3, "O-EM-1-B": 3, "O-EM-2-A": 3, "O-EM-2-B": 3, "O-EM-3-A": 3, "O-EM-3-B": 1},
			a: 3, b: 2.25, practice: 2.625, level1: 1, level3: 0.625, answered: 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Compute(tc.in)
			if s.Streams[StreamA] != tc.a || s.Streams[StreamB] != tc.b || s.Practice != tc.practice ||
				s.Levels[0] != tc.level1 || s.Levels[2] != tc.level3 || s.Answered != tc.answered {
				t.Errorf("Compute = %+v, want A %v B %v practice %v levels[0] %v levels[2] %v answered %d",
					s, tc.a, tc.b, tc.practice, tc.level1, tc.level3, tc.answered)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		in   Answers
		want string
	}{
		{Answers{"O-EM-1-A": 2}, ""},
		{Answers{"O-EM-4-A": 2}, `invalid SAMM answer: question "O-EM-4-A": not an O-EM question`},
		{Answers{"O-EM-1-B": 4}, "invalid SAMM answer: question O-EM-1-B: answer 4 (0 to 3)"},
		{Answers{"O-EM-1-B": -1}, "invalid SAMM answer: question O-EM-1-B: answer -1 (0 to 3)"},
	} {
		err := tc.in.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.in, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, ErrInvalid)):
			t.Errorf("%v: got %v, want %s", tc.in, err, tc.want)
		}
	}
}

// Every question has both languages and quality criteria, and the six
// cover both streams at each level once.
func TestQuestions(t *testing.T) {
	seen := map[[2]any]bool{}
	for _, q := range Questions {
		if q.Text.EN == "" || q.Text.ZH == "" || len(q.Quality) == 0 {
			t.Errorf("%s: missing text or criteria", q.ID)
		}
		for _, c := range q.Quality {
			if c.EN == "" || c.ZH == "" {
				t.Errorf("%s: a criterion lacks a language", q.ID)
			}
		}
		seen[[2]any{q.Level, q.Stream}] = true
	}
	if len(seen) != 6 || len(Questions) != 6 {
		t.Errorf("%d questions over %d level×stream cells, want 6 and 6", len(Questions), len(seen))
	}
}
