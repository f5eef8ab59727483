// Import: upload an advisory file or archive (CVE JSON 5, OSV, NVD, CSAF,
// CNVD, CNNVD, JVN, EUVD, KEV, EPSS; .zip or .gz too) to POST
// /api/v1/imports, which reads it, merges the records and re-matches the
// assets they touch; or a tool's report (Nessus, Trivy, ZAP, SARIF, …) to
// POST /api/v1/findings/imports, which files its results as findings.
// Archives run to hundreds of megabytes, so the upload goes through
// XMLHttpRequest and shows its progress.

import { h } from '../dom.js';
import { t, fmtNumber, fmtBytes, fmtSeconds } from '../i18n.js';
import { upload } from '../api.js';
import { setTitle, table, dl, section, errorBox, select, input } from '../ui.js';

// tools are the report formats vmc reads (ingest.ScanFormats).
const tools = ['nessus', 'openvas', 'qualys', 'nmap', 'zap', 'burp', 'acunetix', 'nikto', 'nuclei', 'trivy', 'grype',
  'anchore', 'osvscanner', 'snyk', 'depcheck', 'sarif', 'inspector', 'prowler', 'wazuh'];

// scanSummary shows what a tool's report did: where its targets went and
// the findings it opened or moved.
function scanSummary(r) {
  const f = r.findings || {};
  return h('div', { id: 'import-result' },
    h('div', { class: 'alert ok', role: 'status', id: 'import-summary' },
      t('import.scanDone', { file: r.report, tool: r.tool, results: fmtNumber(r.results || 0), opened: fmtNumber(f.opened || 0), moved: fmtNumber(f.moved || 0) })),
    h('ul', { class: 'plain small', id: 'import-placements' }, (r.placements || []).map((p) =>
      h('li', null, t('import.placement', { target: p.target.name || '—', asset: p.asset, rule: p.rule })))));
}

// safeName makes a file's name one the API accepts (letters, digits,
// dot, dash, underscore), keeping its extension, which helps detect the
// format.
function safeName(name) {
  const s = (name || 'upload').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return (s || 'upload').slice(-200);
}

function summary(r) {
  const n = (v) => fmtNumber(v || 0);
  const f = r.findings || {};
  const bySource = Object.entries(r.by_source || {}).sort((a, b) => b[1] - a[1]);
  return h('div', { id: 'import-result' },
    h('div', { class: ['alert', r.rejected ? 'error' : 'ok'], role: 'status', id: 'import-summary' },
      t('import.done', { read: n(r.read), added: n(r.new), changed: n(r.changed), rejected: n(r.rejected) })),
    h('div', { class: 'grid-2' },
      section(t('import.records'), dl([
        [t('import.documents'), n(r.documents)],
        [t('import.documentsUnchanged'), n(r.documents_unchanged)],
        [t('import.read'), n(r.read)],
        [t('import.new'), n(r.new)],
        [t('import.changed'), n(r.changed)],
        [t('import.unchanged'), n(r.unchanged)],
        [t('import.stale'), n(r.stale)],
        [t('import.merged'), n(r.merged)],
        [t('import.retired'), n(r.retired)],
        [t('import.rejected'), n(r.rejected)],
        [t('import.duration'), fmtSeconds(r.duration_ns)],
      ], 'import-counts')),
      section(t('import.findings'), dl([
        [t('import.assets'), n(f.assets)],
        [t('import.matches'), n(f.matches)],
        [t('import.opened'), n(f.opened)],
        [t('import.moved'), n(f.moved)],
        [t('import.reassessed'), n(f.reassessed)],
      ]), (f.problems || []).length ? h('ul', { class: 'plain small' }, f.problems.map((p) => h('li', null, p))) : null)),
    bySource.length ? section(t('import.bySource'), table([
      { label: t('vuln.source'), cell: ([s]) => h('span', { class: 'badge source' }, s) },
      { label: t('import.recordCount'), cell: ([, c]) => fmtNumber(c), class: 'num' },
    ], bySource, { class: 'by-source' })) : null,
    (r.errors || []).length ? section(t('import.errors', { n: n(r.rejected) }),
      h('ul', { class: 'plain small mono', id: 'import-errors' }, r.errors.map((e) => h('li', null, e)))) : null,
    (r.skipped || []).length ? section(t('import.skipped'),
      h('ul', { class: 'plain small mono' }, r.skipped.map((e) => h('li', null, e)))) : null);
}

export async function importPage() {
  setTitle(t('import.title'));
  // The native file control speaks the browser's language, not the
  // page's: it is hidden (still focusable and labelled) behind a label
  // styled as a button, as on the asset page.
  const chosen = h('span', { class: 'muted', id: 'import-chosen' }, t('asset.noFile'));
  const file = h('input', {
    type: 'file', name: 'file', id: 'import-file', class: 'visually-hidden', 'aria-describedby': 'import-hint import-chosen',
    on: {
      change: () => {
        const f = file.files[0];
        chosen.textContent = f ? f.name + ' (' + fmtBytes(f.size) + ')' : t('asset.noFile');
      },
    },
  });
  const bar = h('progress', { id: 'import-progress', max: 1, value: 0, hidden: true, 'aria-label': t('import.progress') });
  const barText = h('span', { class: 'muted small', id: 'import-progress-text', 'aria-live': 'polite' });
  const status = h('div', { class: 'form-status' });
  const result = h('div', null);
  const button = h('button', { type: 'submit', class: 'primary', id: 'import-submit' }, t('import.upload'));
  const tool = select('tool', [['', t('import.toolAuto')], ...tools.map((x) => [x, x])], '');
  tool.id = 'import-tool';
  const assetName = input('asset', 'text', '', { id: 'import-asset', maxlength: 512, 'aria-describedby': 'import-asset-hint' });
  const scanFields = h('div', { class: 'scan-fields', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'import-tool' }, t('import.tool')), tool),
    h('div', { class: 'field' }, h('label', { for: 'import-asset' }, t('import.asset')), assetName,
      h('small', { class: 'muted', id: 'import-asset-hint' }, t('import.assetHint'))));
  const kind = select('kind', [['advisories', t('import.kindAdvisories')], ['scan', t('import.kindScan')]], 'advisories');
  kind.id = 'import-kind';
  kind.addEventListener('change', () => { scanFields.hidden = kind.value !== 'scan'; });
  const form = h('form', {
    class: 'card upload', id: 'import-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        const f = file.files[0];
        result.replaceChildren();
        if (!f) {
          status.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, t('asset.noFile')));
          return;
        }
        status.replaceChildren();
        button.disabled = true;
        bar.hidden = false;
        bar.max = f.size || 1;
        bar.value = 0;
        barText.textContent = t('import.sending', { sent: fmtBytes(0), total: fmtBytes(f.size) });
        try {
          const scan = kind.value === 'scan';
          const r = await upload('POST', scan ? '/api/v1/findings/imports' : '/api/v1/imports', {
            query: scan ? { file: safeName(f.name), tool: tool.value, asset: assetName.value.trim() } : { file: safeName(f.name) },
            file: f,
            onProgress: (sent, total) => {
              bar.max = total || 1;
              bar.value = Math.min(sent, bar.max);
              barText.textContent = sent >= total
                ? t('import.processing')
                : t('import.sending', { sent: fmtBytes(sent), total: fmtBytes(total) });
            },
          });
          bar.value = bar.max;
          barText.textContent = t('import.sent', { total: fmtBytes(f.size) });
          result.replaceChildren(scan ? scanSummary(r || {}) : summary(r || {}));
        } catch (err) {
          barText.textContent = '';
          status.replaceChildren(h('div', { id: 'import-error' }, errorBox(err)));
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'import-kind' }, t('import.kind')), kind),
  scanFields,
  h('div', { class: 'field' },
    h('span', { class: 'label' }, t('import.file')),
    h('div', { class: 'filepick' }, file, h('label', { for: 'import-file', class: 'button secondary' }, t('asset.chooseFile')), chosen),
    h('small', { class: 'muted', id: 'import-hint' }, t('import.hint'))),
  h('div', { class: 'actions' }, button, bar, barText),
  status);
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('import.title')), h('p', { class: 'muted' }, t('import.intro'))),
    form,
    result);
}
