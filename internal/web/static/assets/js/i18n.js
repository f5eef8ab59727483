// Message catalogues and locale formatting. The catalogues are
// /i18n/en.json and /i18n/zh-CN.json, flat maps of key → text with
// {name} placeholders. A key missing from the catalogue shows as the key
// itself, so the gap is visible (TestCatalogues keeps it from happening).

export const LANGS = ['en', 'zh-CN'];
const STORAGE_KEY = 'vmc.lang';

let lang = 'en';
let messages = {};

// preferredLang is the language remembered from the switcher, else the
// browser's: any Chinese (zh, zh-TW, zh-Hans-CN) gets 简体中文, since that
// is the Chinese catalogue there is.
export function preferredLang() {
  let saved = null;
  try { saved = localStorage.getItem(STORAGE_KEY); } catch { /* storage disabled */ }
  if (LANGS.includes(saved)) return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

// setLang loads the catalogue for l, remembers the choice when asked
// and sets <html lang>.
export async function setLang(l, remember) {
  if (!LANGS.includes(l)) l = 'en';
  const resp = await fetch('/i18n/' + l + '.json', { credentials: 'same-origin' });
  if (!resp.ok) throw new Error('catalogue ' + l + ': ' + resp.status);
  messages = await resp.json();
  lang = l;
  document.documentElement.lang = l;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* storage disabled */ }
  }
}

export function currentLang() { return lang; }

// t returns the message for key with {name} placeholders filled from
// params.
export function t(key, params) {
  const msg = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
  if (!params) return msg;
  return msg.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// has reports whether the catalogue has key: labels for values the API
// may add later (a new advisory field) fall back to the raw value.
export function has(key) { return Object.prototype.hasOwnProperty.call(messages, key); }

// label is the catalogue's name for a value of a vocabulary (state.new,
// priority.high), or the value itself when the catalogue has none.
export function label(prefix, value) {
  if (value === undefined || value === null || value === '') return '';
  const key = prefix + '.' + value;
  return has(key) ? t(key) : String(value);
}

// langName names a language tag (an advisory text's) in the UI's
// language: "es" is "Spanish" or "西班牙语".
export function langName(tag) {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}

function parse(v) {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(v);
  // Go's zero time (0001-01-01) means "not set".
  if (isNaN(d.getTime()) || d.getUTCFullYear() <= 1) return null;
  return d;
}

// fmtDate formats a date (YYYY-MM-DD strings are calendar dates, shown
// as such in every time zone).
export function fmtDate(v) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = parse(v + 'T00:00:00Z');
    return d ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : '';
  }
  const d = parse(v);
  return d ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(d) : '';
}

// fmtDay formats the calendar day of a deadline. vmc sets deadlines to
// the end of a day in UTC (a KEV due date of 2021-12-24 is due
// 2021-12-24T23:59:59Z), which in Beijing is already the next morning;
// the day meant is the UTC one.
export function fmtDay(v) {
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? parse(v + 'T00:00:00Z') : parse(v);
  return d ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : '';
}

export function fmtDateTime(v) {
  const d = parse(v);
  return d ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d) : '';
}

export function fmtNumber(n, digits) {
  if (n === undefined || n === null || isNaN(n)) return '';
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits ?? 2 }).format(n);
}

export function fmtPercent(fraction, digits) {
  if (fraction === undefined || fraction === null || isNaN(fraction)) return '';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: digits ?? 1 }).format(fraction);
}

// fmtDays formats a Go duration in nanoseconds as days.
export function fmtDays(ns) {
  if (!ns) return t('common.none');
  return t('unit.days', { n: fmtNumber(ns / 864e11, 1) });
}

// fmtBytes formats a size in bytes with the locale's unit names.
export function fmtBytes(n) {
  if (n === undefined || n === null || isNaN(n)) return '';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i ? 1 : 0 }).format(n);
}

// fmtSeconds formats a Go duration in nanoseconds as seconds.
export function fmtSeconds(ns) {
  const s = (ns || 0) / 1e9;
  return t('unit.seconds', { n: fmtNumber(s, s < 1 ? 2 : 1) });
}
