// DOM building without HTML strings. Every piece of text, from the
// catalogue or from an advisory, becomes a Text node or textContent, so
// markup in a feed record ("<img src=x onerror=...>") shows as characters.
// There is deliberately no way to set innerHTML here, and the page's
// Content-Security-Policy (Trusted Types) makes the browser refuse it.

// h creates an element. props are attributes, except:
//   class      → className (a string, or an array with falsy entries skipped)
//   on         → { event: handler } listeners
//   dataset    → data-* attributes
//   value, checked, selected, disabled, hidden → the element's properties
// children are Nodes, strings, numbers, arrays of them, or null/false
// (skipped).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    switch (k) {
      case 'class':
        el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
        break;
      case 'on':
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        break;
      case 'dataset':
        Object.assign(el.dataset, v);
        break;
      case 'value': case 'checked': case 'selected': case 'disabled': case 'hidden':
        el[k] = v;
        break;
      case 'href':
        el.setAttribute('href', v);
        break;
      default:
        if (k.startsWith('on') || k === 'innerHTML' || k === 'outerHTML' || k === 'srcdoc' || k === 'style') {
          throw new Error('dom: refusing property ' + k);
        }
        el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

// append adds children (see h) to el.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// safeURL returns url if it is an absolute http(s) URL, else null: a
// reference in a feed record may be "javascript:...", which must never
// become a link.
export function safeURL(url) {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

// extLink links to an outside URL, or shows it as text when it is not
// http(s). The link leaks no referrer and gives the other page no handle
// on this one.
export function extLink(url, text) {
  const safe = safeURL(url);
  if (!safe) return h('span', { class: 'mono' }, text || String(url));
  return h('a', { href: safe, rel: 'noopener noreferrer', target: '_blank' }, text || safe);
}

// clear empties el.
export function clear(el) {
  el.replaceChildren();
  return el;
}
