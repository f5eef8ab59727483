package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/i18n"
	"github.com/vmc-dev/vmc/internal/store"
)

const (
	accessKey     = "vmc.access"
	sessionCookie = "vmc_session"
	csrfHeader    = "X-CSRF-Token"
	// sessionLife is how long a browser session lasts from sign-in.
	sessionLife = 12 * time.Hour
)

// principal is who makes a request, and how.
type principal struct {
	User auth.User
	// Token is the API token used, if the request came with one; it
	// narrows the user's permissions to its scopes.
	Token *auth.Token
	// Session is the browser session's public id, if the request came
	// with a session cookie.
	Session string
}

type principalKey struct{}

// who returns the request's principal; the middleware put it there.
func who(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// can reports whether the principal may do p on an object of team.
func (p principal) can(perm auth.Permission, team string) bool {
	return auth.Allowed(p.User, p.Token, perm, team)
}

// tokenTouchEvery is how stale a token's last use may get before a request
// made with it records the use again.
const tokenTouchEvery = time.Minute

// readsAllTeams says whether p may do perm on objects of any team, so
// that a list need not check its items one by one: its user holds perm
// on every team and, for a token, the token's scopes allow perm (the
// check with no team is the token's part alone).
func readsAllTeams(p principal, perm auth.Permission) bool {
	_, all := auth.TeamsFor(p.User, perm)
	return all && p.can(perm, "")
}

// forbid is the error for an object the principal may not act on. It is
// a 404 for objects the principal may not even read, so that existence
// does not leak across teams.
func forbid(p principal, perm auth.Permission, what string) error {
	return huma.Error403Forbidden(fmt.Sprintf("%s may not %s %s", p.User.Name, perm, what))
}

// authorise is the middleware every operation passes: it finds who is
// calling and checks the operation's access rule before the handler runs.
// An operation without a rule is refused: a route nobody thought about is
// closed, not open.
func (s *Server) authorise(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		ctx = withLang(huma.WithValue(ctx, remoteKey{}, ctx.RemoteAddr()))
		access, _ := ctx.Operation().Metadata[accessKey].(string)
		switch access {
		case "":
			huma.WriteErr(api, ctx, http.StatusInternalServerError, "route has no access rule")
			return
		case Public:
			next(ctx)
			return
		}
		p, err := s.identify(ctx)
		if err != nil {
			var se huma.StatusError
			if errors.As(err, &se) {
				huma.WriteErr(api, ctx, se.GetStatus(), se.Error())
			} else {
				s.Log.ErrorContext(ctx.Context(), "authenticate", "err", err)
				huma.WriteErr(api, ctx, http.StatusInternalServerError, "internal error")
			}
			return
		}
		if access != SignedIn {
			perm := auth.Permission(access)
			if !auth.CanSome(p.User, perm) || (p.Token != nil && !p.Token.Allows(perm)) {
				huma.WriteErr(api, ctx, http.StatusForbidden, fmt.Sprintf("%s may not %s", p.User.Name, perm))
				return
			}
		}
		if p.User.Lang != "" {
			ctx = huma.WithValue(ctx, langKey{}, i18n.Match(p.User.Lang, ctx.Header("Accept-Language")))
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	}
}

var errUnauthenticated = huma.Error401Unauthorized("sign in, or send an API token as Authorization: Bearer")

// identify finds the principal from an API token or a session cookie.
func (s *Server) identify(ctx huma.Context) (principal, error) {
	c := ctx.Context()
	if h := ctx.Header("Authorization"); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return principal{}, errUnauthenticated
		}
		id, secret, err := auth.ParseToken(strings.TrimSpace(raw))
		if err != nil {
			return principal{}, errUnauthenticated
		}
		tok, hash, err := s.Store.Token(c, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return principal{}, errUnauthenticated
		case err != nil:
			return principal{}, err
		case !auth.CheckTokenSecret(hash, secret) || tok.Expired(s.now()):
			return principal{}, errUnauthenticated
		}
		u, err := s.activeUser(c, tok.User)
		if err != nil {
			return principal{}, err
		}
		// Last use is kept to the minute: writing it on every request
		// made each read a write, queued behind SQLite's one writer and,
		// on PostgreSQL, every request of a busy token lock the same row
		// (bench/load.sh).
		if now := s.now(); now.Sub(tok.LastUsed) >= tokenTouchEvery {
			if err := s.Store.TouchToken(c, tok.ID, now); err != nil {
				s.Log.Warn("token last use", "token", tok.ID, "err", err)
			}
		}
		return principal{User: u, Token: &tok}, nil
	}
	ck, err := huma.ReadCookie(ctx, sessionCookie)
	if err != nil {
		return principal{}, errUnauthenticated
	}
	id, secret, err := auth.ParseSessionID(ck.Value)
	if err != nil {
		return principal{}, errUnauthenticated
	}
	se, err := s.Store.Session(c, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return principal{}, errUnauthenticated
	case err != nil:
		return principal{}, err
	case !auth.CheckTokenSecret(se.Hash, secret) || !s.now().Before(se.Expires):
		return principal{}, errUnauthenticated
	}
	// A browser sends cookies with requests other sites make it send:
	// state-changing requests must also carry the CSRF token, which only
	// vmc's own pages can read.
	switch ctx.Method() {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		if !auth.CheckCSRF(s.CSRFKey, se.ID, ctx.Header(csrfHeader)) {
			return principal{}, huma.Error403Forbidden("missing or wrong " + csrfHeader + " header")
		}
	}
	u, err := s.activeUser(c, se.User)
	if err != nil {
		return principal{}, err
	}
	return principal{User: u, Session: se.ID}, nil
}

func (s *Server) activeUser(ctx context.Context, name string) (auth.User, error) {
	u, _, err := s.Store.User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return u, errUnauthenticated
	case err != nil:
		return u, err
	case u.Disabled:
		return u, huma.Error403Forbidden("user " + name + " is disabled")
	}
	return u, nil
}

type signInInput struct {
	Body struct {
		Name     string `json:"name" maxLength:"64"`
		Password string `json:"password" maxLength:"256"`
	}
}

type meBody struct {
	User auth.User `json:"user"`
	// Permissions are what the user (through this token, if one is used)
	// may do somewhere: what the UI offers.
	Permissions []auth.Permission `json:"permissions"`
	// CSRFToken goes in the X-CSRF-Token header of the session's
	// state-changing requests.
	CSRFToken string `json:"csrf_token,omitempty"`
}

type signInOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      meBody
}

type meOutput struct{ Body meBody }

type emptyInput struct{}

type tokenCreateInput struct {
	Body struct {
		Name   string       `json:"name" maxLength:"100"`
		Scopes []auth.Scope `json:"scopes"`
		// Days the token lives, at most 365.
		Days int `json:"days" minimum:"1" maximum:"365"`
	}
}

type tokenCreateOutput struct {
	Body struct {
		Token auth.Token `json:"token"`
		// Secret is the token to send as Authorization: Bearer; it is
		// shown once and not kept.
		Secret string `json:"secret"`
	}
}

type tokenListOutput struct{ Body []auth.Token }

type idInput struct {
	ID string `path:"id" maxLength:"64"`
}

type userListOutput struct{ Body []auth.User }

type userPutInput struct {
	Name string `path:"name" maxLength:"64"`
	Body struct {
		Display  string    `json:"display,omitempty" maxLength:"200"`
		Role     auth.Role `json:"role"`
		Teams    []string  `json:"teams,omitempty"`
		Disabled bool      `json:"disabled,omitempty"`
		// Password sets a new password; empty keeps the current one.
		Password string `json:"password,omitempty" maxLength:"256"`
	}
}

type userOutput struct{ Body auth.User }

func clientIP(remote string) netip.Addr {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		a, _ := netip.ParseAddr(remote)
		return a
	}
	return ap.Addr()
}

func (s *Server) registerAuth(api huma.API) {
	op(s, api, huma.Operation{OperationID: "sign-in", Method: http.MethodPost, Path: "/api/v1/session", Tags: []string{"auth"},
		Summary: "Sign in: a session cookie and the CSRF token for it"}, Public,
		func(ctx context.Context, in *signInInput) (*signInOutput, error) {
			key := auth.LoginKey{User: strings.ToLower(in.Body.Name), IP: clientIP(remoteAddr(ctx))}
			now := s.now()
			if ok, wait, err := s.Limiter.AllowContext(ctx, key, now); err != nil {
				return nil, err
			} else if !ok {
				return nil, huma.Error429TooManyRequests(fmt.Sprintf("too many failed sign-ins; try again in %s", wait.Round(time.Second)))
			}
			u, hash, err := s.Store.User(ctx, key.User)
			if errors.Is(err, store.ErrNotFound) {
				auth.DummyCheck(in.Body.Password) // the same time as a wrong password
			} else if err != nil {
				return nil, err
			}
			ok := false
			if err == nil && !u.Disabled {
				ok, _ = auth.CheckPassword(hash, in.Body.Password)
			}
			if !ok {
				// Unrecorded, a failure would be a free guess: the
				// attempt fails with the error instead.
				if err := s.Limiter.FailContext(ctx, key, now); err != nil {
					return nil, err
				}
				return nil, huma.Error401Unauthorized("wrong user name or password")
			}
			if err := s.Limiter.SucceedContext(ctx, key, now); err != nil {
				return nil, err
			}
			plain, id, shash := auth.NewSessionID()
			if err := s.Store.PutSession(ctx, store.Session{ID: id, User: u.Name, Hash: shash, Created: now, Expires: now.Add(sessionLife)}); err != nil {
				return nil, err
			}
			out := &signInOutput{SetCookie: http.Cookie{Name: sessionCookie, Value: plain, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
				SameSite: http.SameSiteStrictMode, Expires: now.Add(sessionLife)}}
			out.Body = meBody{User: u, Permissions: permissions(u, nil), CSRFToken: auth.CSRFToken(s.CSRFKey, id)}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "sign-out", Method: http.MethodDelete, Path: "/api/v1/session", Tags: []string{"auth"},
		Summary: "Sign out", DefaultStatus: http.StatusNoContent}, SignedIn,
		func(ctx context.Context, _ *emptyInput) (*struct{}, error) {
			if p := who(ctx); p.Session != "" {
				return nil, s.Store.DeleteSession(ctx, p.Session)
			}
			return nil, nil
		})
	op(s, api, huma.Operation{OperationID: "me", Method: http.MethodGet, Path: "/api/v1/me", Tags: []string{"auth"},
		Summary: "Who am I"}, SignedIn,
		func(ctx context.Context, _ *emptyInput) (*meOutput, error) {
			p := who(ctx)
			out := &meOutput{Body: meBody{User: p.User, Permissions: permissions(p.User, p.Token)}}
			if p.Session != "" {
				out.Body.CSRFToken = auth.CSRFToken(s.CSRFKey, p.Session)
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "put-me", Method: http.MethodPut, Path: "/api/v1/me", Tags: []string{"auth"},
		Summary: "Change your own settings: the language of the UI, problem details and reports"}, SignedIn,
		func(ctx context.Context, in *meInput) (*meOutput, error) {
			p := who(ctx)
			u, _, err := s.Store.User(ctx, p.User.Name)
			if err != nil {
				return nil, err
			}
			u.Lang = in.Body.Lang
			if u, err = s.Store.PutUser(ctx, u, "", p.User.Name); err != nil {
				return nil, err
			}
			out := &meOutput{Body: meBody{User: u, Permissions: permissions(u, p.Token)}}
			if p.Session != "" {
				out.Body.CSRFToken = auth.CSRFToken(s.CSRFKey, p.Session)
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/api/v1/tokens", Tags: []string{"auth"},
		Summary: "Create an API token for yourself (its secret is shown once)", DefaultStatus: http.StatusCreated}, SignedIn,
		func(ctx context.Context, in *tokenCreateInput) (*tokenCreateOutput, error) {
			p := who(ctx)
			if p.Token != nil {
				return nil, huma.Error403Forbidden("a token cannot create tokens: sign in")
			}
			plain, id, hash := auth.NewToken(auth.TokenPrefix)
			now := s.now()
			t := auth.Token{ID: id, User: p.User.Name, Name: in.Body.Name, Scopes: in.Body.Scopes, Created: now,
				Expires: now.Add(time.Duration(in.Body.Days) * 24 * time.Hour)}
			if err := t.Validate(now); err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			if err := s.Store.PutToken(ctx, t, hash, p.User.Name); err != nil {
				return nil, err
			}
			out := &tokenCreateOutput{}
			out.Body.Token, out.Body.Secret = t, plain
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/api/v1/tokens", Tags: []string{"auth"},
		Summary: "Your API tokens"}, SignedIn,
		func(ctx context.Context, _ *emptyInput) (*tokenListOutput, error) {
			ts, err := s.Store.Tokens(ctx, who(ctx).User.Name)
			return &tokenListOutput{Body: ts}, err
		})
	op(s, api, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/api/v1/tokens/{id}", Tags: []string{"auth"},
		Summary: "Revoke one of your API tokens (any, for an admin)", DefaultStatus: http.StatusNoContent}, SignedIn,
		func(ctx context.Context, in *idInput) (*struct{}, error) {
			p := who(ctx)
			t, _, err := s.Store.Token(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if t.User != p.User.Name && !p.can(auth.UserAdmin, "") {
				return nil, huma.Error404NotFound("token " + in.ID + ": not found")
			}
			return nil, s.Store.RevokeToken(ctx, in.ID, p.User.Name)
		})
	op(s, api, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/api/v1/users", Tags: []string{"users"},
		Summary: "List users"}, string(auth.UserAdmin),
		func(ctx context.Context, _ *emptyInput) (*userListOutput, error) {
			us, err := s.Store.ListUsers(ctx)
			return &userListOutput{Body: us}, err
		})
	op(s, api, huma.Operation{OperationID: "put-user", Method: http.MethodPut, Path: "/api/v1/users/{name}", Tags: []string{"users"},
		Summary: "Create or change a user"}, string(auth.UserAdmin),
		func(ctx context.Context, in *userPutInput) (*userOutput, error) {
			u := auth.User{Name: in.Name, Display: in.Body.Display, Role: in.Body.Role, Teams: in.Body.Teams, Disabled: in.Body.Disabled}
			// The language is the user's own choice (PUT /api/v1/me).
			if old, _, err := s.Store.User(ctx, in.Name); err == nil {
				u.Lang = old.Lang
			}
			if err := u.Validate(); err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			hash := ""
			if in.Body.Password != "" {
				if err := auth.CheckPasswordPolicy(in.Body.Password, u.Name); err != nil {
					return nil, huma.Error422UnprocessableEntity(err.Error())
				}
				var err error
				if hash, err = auth.HashPassword(in.Body.Password); err != nil {
					return nil, err
				}
			}
			got, err := s.Store.PutUser(ctx, u, hash, who(ctx).User.Name)
			return &userOutput{Body: got}, err
		})
}

type meInput struct {
	Body struct {
		Lang string `json:"lang" enum:",en,zh-CN" doc:"empty to follow the browser"`
	}
}

type remoteKey struct{}

// remoteAddr is the client's address, which the server puts in the
// request context (huma gives handlers the context, not the request).
func remoteAddr(ctx context.Context) string {
	s, _ := ctx.Value(remoteKey{}).(string)
	return s
}

// permissions lists what u may do somewhere, narrowed by tok's scopes.
func permissions(u auth.User, tok *auth.Token) []auth.Permission {
	var ps []auth.Permission
	for _, p := range auth.Permissions {
		if auth.CanSome(u, p) && (tok == nil || tok.Allows(p)) {
			ps = append(ps, p)
		}
	}
	return ps
}
