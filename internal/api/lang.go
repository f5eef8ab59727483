package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/i18n"
)

// Problem details speak the request's language (its Accept-Language; the
// web UI sends the language it shows). The title is translated whole; the
// detail keeps vmc's own English sentence, which names the object and the
// value, after a translated sentence saying what kind of problem it is, so
// a script matching details keeps working in any language.

type langKey struct{}

// langOf is the language a request's messages are in.
func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return i18n.Langs[0]
}

func withLang(ctx huma.Context) huma.Context {
	return huma.WithValue(ctx, langKey{}, i18n.Match("", ctx.Header("Accept-Language")))
}

func init() {
	// huma builds the errors it writes itself (validation, content
	// negotiation) through this hook, which sees the request.
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		se := huma.NewError(status, msg, errs...)
		if ctx == nil {
			return se
		}
		kind := ""
		switch {
		case status == http.StatusUnprocessableEntity && msg == "validation failed":
			kind = "validation"
		case status == http.StatusForbidden:
			kind = "forbidden"
		}
		return withInstance(ctx.Context(), localise(i18n.Match("", ctx.Header("Accept-Language")), se, kind))
	}
}

// localise translates an error model's title and puts the sentence for
// kind before its detail. English is left as written.
func localise(lang string, se huma.StatusError, kind string) huma.StatusError {
	em, ok := se.(*huma.ErrorModel)
	if !ok || lang == i18n.Langs[0] {
		return se
	}
	id := "problem." + strconv.Itoa(em.Status)
	if t := i18n.T(lang, id, nil); t != id {
		em.Title = t
	}
	if kind != "" {
		if id := "problem." + kind; i18n.T(lang, id, nil) != id {
			em.Detail = i18n.T(lang, id, nil) + " " + em.Detail
		}
	}
	return em
}
