// Renders vmc's OpenAPI description. A file rather than an inline script:
// the page's Content-Security-Policy allows scripts from vmc only.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Over a hundred operations: tags start folded, with a filter box, so
  // that the page opens on a list one can read (and Swagger UI 5.35
  // stops rendering part way through a list this long unfolded).
  docExpansion: 'none',
  filter: true,
  // The API's own session cookie and CSRF header make "Try it out" work
  // for a signed-in browser; tokens go in through Authorize.
  withCredentials: true,
});
