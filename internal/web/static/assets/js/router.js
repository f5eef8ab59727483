// Client-side routes: real paths (/findings/12), which the server answers
// with index.html, so that every page can be bookmarked and reloaded.

let render = () => {};

// start calls fn(path, query) now and on every navigation.
export function start(fn) {
  render = fn;
  window.addEventListener('popstate', () => render(location.pathname, new URLSearchParams(location.search)));
  // Links inside the app navigate without a reload; modified clicks (a
  // new tab) and links elsewhere behave as links do.
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const u = new URL(a.href, location.href);
    if (u.origin !== location.origin || u.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(u.pathname + u.search);
  });
  render(location.pathname, new URLSearchParams(location.search));
}

// navigate shows the page at path (with its query), adding it to the
// history unless replace is set.
export function navigate(path, replace) {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  window.scrollTo(0, 0);
  render(location.pathname, new URLSearchParams(location.search));
}

// refresh renders the current page again (after a language change).
export function refresh() {
  render(location.pathname, new URLSearchParams(location.search));
}

// pathWith returns path with the query's non-empty values.
export function pathWith(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? path + '?' + s : path;
}
