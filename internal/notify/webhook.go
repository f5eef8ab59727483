package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Call is one webhook call.
type Call struct {
	URL    string
	Secret string
	Body   []byte // JSON
	// Delivery and Kind go in headers too, for a receiver that routes
	// before it parses.
	Delivery int64
	Kind     string
}

// Poster calls webhooks.
type Poster interface {
	Post(ctx context.Context, c Call) error
}

// Webhooks calls webhooks over HTTP.
type Webhooks struct {
	// Client is nil for one with a 30 s timeout that follows no
	// redirects.
	Client    *http.Client
	UserAgent string
	// Now is the clock the signature is dated by; nil is time.Now.
	Now func() time.Time
}

var defaultClient = &http.Client{
	Timeout: 30 * time.Second,
	// A redirect would send the signed, labelled body somewhere the
	// stakeholder's URL does not name.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Post implements Poster: it signs the body and POSTs it. A 2xx answer
// delivers it; 408, 429, 5xx and network failures are transient; any
// other answer is permanent, and the error quotes the start of its body.
func (w Webhooks) Post(ctx context.Context, c Call) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(c.Body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", c.URL, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", w.UserAgent)
	req.Header.Set("X-Vmc-Delivery", strconv.FormatInt(c.Delivery, 10))
	req.Header.Set("X-Vmc-Event", c.Kind)
	req.Header.Set(SignatureHeader, Sign([]byte(c.Secret), now(), c.Body))
	cl := w.Client
	if cl == nil {
		cl = defaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
			return transient(fmt.Errorf("webhook %s: %w", c.URL, err))
		}
		return fmt.Errorf("webhook %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	// What the receiver says is shown in the delivery's record: a line,
	// not a page.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("webhook %s: %s: %q", c.URL, resp.Status, bytes.TrimSpace(head))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return transient(err)
	}
	return err
}

// transientError marks a failure worth another attempt.
type transientError struct{ error }

func (e transientError) Unwrap() error { return e.error }

func transient(err error) error { return transientError{err} }

// Temporary reports whether a delivery that failed with err may succeed
// if tried again.
func Temporary(err error) bool {
	var t transientError
	return errors.As(err, &t)
}
