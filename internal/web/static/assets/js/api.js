// The API client: JSON in and out, the session's CSRF token on every
// state-changing request, and problem+json errors turned into ApiError
// with the server's detail, which the pages show as it is.

import { currentLang } from './i18n.js';

let csrf = '';

export function setCSRF(token) { csrf = token || ''; }

export class ApiError extends Error {
  constructor(status, title, detail, errors) {
    super(detail || title || String(status));
    this.status = status;
    this.title = title || '';
    this.detail = detail || '';
    // errors are huma's validation messages ({message, location}).
    this.errors = errors || [];
  }
}

// onUnauthenticated is called when the API answers 401: the session is
// gone (expired, signed out elsewhere) and the app shows the sign-in page.
let onUnauthenticated = () => {};
export function whenUnauthenticated(fn) { onUnauthenticated = fn; }

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

async function send(method, path, opts) {
  // The server words its problem details in the language shown.
  const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': currentLang() };
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  return fetch(url(path, opts.query), { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
}

// api calls the API and returns the decoded body (null for 204).
// opts: query (an object), body (JSON), raw (a Blob or ArrayBuffer sent
// as application/octet-stream, or as type when given), quiet401 (do not
// send the app to sign-in).
export async function api(method, path, opts = {}) {
  let resp = await send(method, path, opts);
  // A stale CSRF token (the server restarted with a new key) is renewed
  // once from /me, which hands out the session's current token.
  if (resp.status === 403 && method !== 'GET' && !opts.retried) {
    const p = await resp.clone().json().catch(() => ({}));
    if (String(p.detail || '').includes('X-CSRF-Token')) {
      const me = await api('GET', '/api/v1/me', { quiet401: opts.quiet401 });
      setCSRF(me.csrf_token);
      return api(method, path, { ...opts, retried: true });
    }
  }
  if (resp.status === 204) return null;
  const type = resp.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await resp.json().catch(() => null) : null;
  if (!resp.ok) {
    if (resp.status === 401 && !opts.quiet401) onUnauthenticated();
    const p = data || {};
    throw new ApiError(resp.status, p.title || resp.statusText, p.detail, p.errors);
  }
  return data;
}

// upload sends a file as the raw body of a request with XMLHttpRequest,
// which, unlike fetch, reports upload progress: onProgress(sent, total)
// is called as the bytes go out. It resolves to the decoded JSON answer
// and rejects as api does (ApiError with the problem's detail, a
// TypeError when the server cannot be reached), renewing a stale CSRF
// token once.
export function upload(method, path, opts = {}) {
  const attempt = () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url(path, opts.query));
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', currentLang());
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.withCredentials = true;
    if (opts.onProgress) {
      xhr.upload.addEventListener('progress', (ev) => opts.onProgress(ev.loaded, ev.lengthComputable ? ev.total : opts.file.size));
    }
    xhr.addEventListener('load', () => {
      let data = null;
      if ((xhr.getResponseHeader('Content-Type') || '').includes('json')) {
        try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      }
      resolve({ status: xhr.status, statusText: xhr.statusText, data });
    });
    xhr.addEventListener('error', () => reject(new TypeError('network error')));
    xhr.addEventListener('abort', () => reject(new TypeError('upload aborted')));
    xhr.send(opts.file);
  });
  return attempt().then(async (r) => {
    const p = r.data || {};
    if (r.status === 403 && !opts.retried && String(p.detail || '').includes('X-CSRF-Token')) {
      const me = await api('GET', '/api/v1/me');
      setCSRF(me.csrf_token);
      return upload(method, path, { ...opts, retried: true });
    }
    if (r.status >= 200 && r.status < 300) return r.data;
    if (r.status === 401) onUnauthenticated();
    throw new ApiError(r.status, p.title || r.statusText, p.detail, p.errors);
  });
}

// fetchFile sends a JSON body and returns the file the API answers
// with as {blob, name}: for downloads that must be POSTs because they are
// recorded (evidence, whose every access is in its chain of custody), so
// they carry the CSRF token like any other change.
export async function fetchFile(method, path, body) {
  const resp = await send(method, path, { body });
  if (!resp.ok) {
    const p = await resp.json().catch(() => ({}));
    if (resp.status === 401) onUnauthenticated();
    throw new ApiError(resp.status, p.title || resp.statusText, p.detail, p.errors);
  }
  const cd = resp.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd);
  return { blob: await resp.blob(), name: m ? decodeURIComponent(m[1]) : 'download' };
}

// allPages fetches every page of a cursor-paged list, up to max items.
export async function allPages(path, query, max) {
  const items = [];
  let after;
  for (;;) {
    const page = await api('GET', path, { query: { ...query, after, limit: 1000 } });
    items.push(...(page.items || []));
    if (!page.next || items.length >= max) return { items, more: Boolean(page.next) };
    after = page.next;
  }
}
