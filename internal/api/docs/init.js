// Renders vmc's OpenAPI description. A file rather than an inline script:
// the page's Content-Security-Policy allows scripts from vmc only.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // The API's own session cookie and CSRF header make "Try it out" work
  // for a signed-in browser; tokens go in through Authorize.
  withCredentials: true,
});
