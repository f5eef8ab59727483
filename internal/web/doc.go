// Package web is vmc's browser UI: plain HTML, CSS and JavaScript modules
// embedded in the binary, with no build step, no framework and nothing
// loaded from other sites. The pages call the API under /api/v1 and hold
// no business logic: the one rule they need, which state a person may
// move a finding to next, is served from the finding package itself as
// /assets/lifecycle.json rather than copied into JavaScript.
//
// Every visible string comes from the message catalogues in
// ../i18n/locales (English and Simplified Chinese, the same keys in both);
// TestCatalogues holds the catalogues and the JavaScript's t('key') calls
// together.
//
// Advisory text is hostile input: records come from public feeds anyone
// can write to. The pages build the DOM with createElement and
// textContent only, link only http and https URLs, and the
// Content-Security-Policy allows scripts and styles from vmc alone, none
// inline, and (in browsers that support Trusted Types) refuses HTML
// strings at every DOM sink, so a missed escape is an error, not a script.
package web
