// Security incidents: the list (GET /api/v1/incidents), reporting one,
// and an incident's page with its marking, the moves its state allows,
// the playbook it follows and its impact (incident-process.js), its
// response tasks, root-cause analysis (incident-rca.js), personal data
// breach (incident-breach.js), communication tree (incident-comms.js),
// evidence and its append-only timeline. The API leaves out
// what the caller's clearance or an embargo withholds; the UI shows what
// it is given and never works around that.

import { h } from '../dom.js';
import { t, label, fmtDate, fmtDateTime, fmtDay, fmtBytes } from '../i18n.js';
import { api, upload, fetchFile } from '../api.js';
import { navigate, pathWith, refresh } from '../router.js';
import {
  setTitle, table, dl, section, field, select, input, errorBox, mono, options, submitter, splitList, localISO, nowLocal,
} from '../ui.js';
import { playbookSection, impactSection } from './incident-process.js';
import { rcaSection } from './incident-rca.js';
import { breachSection } from './incident-breach.js';
import { commsSection } from './incident-comms.js';

export const STATES = ['reported', 'triaged', 'contained', 'eradicated', 'recovered', 'closed', 'reviewed'];
export const CATEGORIES = ['intrusion', 'exploitation', 'malware', 'data_breach', 'denial_service', 'phishing', 'insider', 'misconfiguration', 'other'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
export const TASK_KINDS = ['containment', 'eradication', 'recovery', 'change', 'patch', 'communication', 'other'];
const NOTE_KINDS = ['note', 'briefing', 'communication'];

// tlpBadge shows a TLP 2.0 label in its standard colours (app.css), with
// what it means as the title.
export function tlpBadge(tlp) {
  if (!tlp) return '';
  return h('span', { class: ['badge', 'tlp', 'tlp-' + tlp.toLowerCase().replace('+', '-')], title: label('tlpMeaning', tlp), dataset: { tlp } }, 'TLP:' + tlp);
}

function embargoNote(m) {
  const e = m && m.embargo;
  if (!e) return null;
  const until = new Date(e.until);
  const active = !isNaN(until.getTime()) && until.getTime() > Date.now();
  return h('span', { class: ['badge', active ? 'warn' : 'muted'], id: 'embargo', title: e.reason || '' },
    t(active ? 'incident.embargoUntil' : 'incident.embargoLifted', { until: fmtDateTime(e.until) }));
}

function severityBadge(s) {
  return h('span', { class: ['badge', 'sev', 'sev-' + s], dataset: { severity: s } }, label('incident.severity', s));
}

function stateBadge(s) {
  return h('span', { class: ['badge', 'state', 'istate-' + s], dataset: { state: s } }, label('incident.state', s));
}

function reportForm() {
  const title = input('title', 'text', '', { id: 'incident-title', required: true, maxlength: 500 });
  const category = select('category', options('incident.category', CATEGORIES), 'intrusion');
  category.id = 'incident-category';
  const severity = select('severity', options('incident.severity', SEVERITIES), 'high');
  severity.id = 'incident-severity';
  const tlp = select('tlp', TLPS.map((x) => [x, 'TLP:' + x]), 'AMBER');
  tlp.id = 'incident-tlp';
  const detected = input('detected', 'datetime-local', nowLocal(), { id: 'incident-detected', required: true });
  const assets = input('assets', 'text', '', { id: 'incident-assets', maxlength: 4000 });
  const vulns = input('vulns', 'text', '', { id: 'incident-vulns', maxlength: 4000 });
  const personal = input('personal_data', 'checkbox', '', { id: 'incident-personal' });
  const embargoUntil = input('embargo_until', 'datetime-local', '', { id: 'incident-embargo-until' });
  const embargoTo = input('embargo_recipients', 'text', '', { id: 'incident-embargo-recipients', maxlength: 4000 });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'incident-submit' }, t('incident.report'));
  return h('form', {
    id: 'incident-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = {
          title: title.value.trim(), category: category.value, severity: severity.value, tlp: tlp.value,
          detected: localISO(detected.value), assets: splitList(assets.value), vulns: splitList(vulns.value),
          personal_data: personal.checked,
        };
        if (embargoUntil.value) body.embargo = { until: localISO(embargoUntil.value), recipients: splitList(embargoTo.value) };
        const got = await api('POST', '/api/v1/incidents', { body });
        navigate(got.incident ? '/incidents/' + got.id : pathWith('/incidents', { reported: got.id }));
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('incident.title'), title),
    field(t('incident.category'), category),
    field(t('incident.severityLabel'), severity),
    field(t('incident.tlp'), tlp, t('incident.tlpHint')),
    field(t('incident.detected'), detected),
    field(t('incident.assets'), assets, t('incident.listHint')),
    field(t('incident.vulns'), vulns, t('incident.listHint')),
    field(t('incident.embargoField'), embargoUntil, t('incident.embargoHint')),
    field(t('incident.embargoRecipients'), embargoTo, t('incident.listHint'))),
  field(t('incident.personalData'), personal),
  status,
  h('div', { class: 'actions' }, button));
}

export async function incidentListPage({ query, can }) {
  setTitle(t('incidents.title'));
  const f = {
    state: STATES.includes(query.get('state')) ? query.get('state') : '',
    category: CATEGORIES.includes(query.get('category')) ? query.get('category') : '',
    severity: SEVERITIES.includes(query.get('severity')) ? query.get('severity') : '',
    open: query.get('open') === 'true',
  };
  const got = await api('GET', '/api/v1/incidents', { query: f });
  const rows = got.items || [];
  const stateSel = select('state', options('incident.state', STATES, true), f.state);
  const catSel = select('category', options('incident.category', CATEGORIES, true), f.category);
  const sevSel = select('severity', options('incident.severity', SEVERITIES, true), f.severity);
  const openBox = input('open', 'checkbox', '', { checked: f.open, id: 'filter-open' });
  const filters = h('form', {
    class: 'filters', role: 'search', id: 'incident-filters',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        navigate(pathWith('/incidents', { state: stateSel.value, category: catSel.value, severity: sevSel.value, open: openBox.checked ? 'true' : '' }));
      },
    },
  },
  field(t('incident.stateLabel'), stateSel),
  field(t('incident.category'), catSel),
  field(t('incident.severityLabel'), sevSel),
  field(t('incidents.openOnly'), openBox),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    f.state || f.category || f.severity || f.open ? h('a', { href: '/incidents', class: 'reset' }, t('common.reset')) : null));
  // An incident reported with a marking that withholds it from its
  // reporter is not theirs to open; say it was received.
  const reported = query.get('reported');
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('incidents.title')), h('p', { class: 'muted' }, t('incidents.intro')),
      can('process.read') ? h('p', null, h('a', { href: '/incidents/metrics', id: 'incident-metrics-link' }, t('imetrics.link'))) : null),
    reported ? h('div', { class: 'alert ok', role: 'status', id: 'incident-withheld' }, t('incident.reportedWithheld', { id: reported })) : null,
    can('finding.triage') ? h('details', { class: 'card', id: 'report-incident' }, h('summary', null, t('incident.report')), reportForm()) : null,
    filters,
    table([
      { label: t('incident.id'), cell: (x) => h('a', { href: '/incidents/' + x.id }, '#' + x.id), class: 'nowrap' },
      { label: t('incident.title'), cell: (x) => h('a', { href: '/incidents/' + x.id }, x.title), class: 'wrap' },
      { label: t('incident.category'), cell: (x) => label('incident.category', x.category) },
      { label: t('incident.severityLabel'), cell: (x) => severityBadge(x.severity) },
      { label: t('incident.stateLabel'), cell: (x) => stateBadge(x.state) },
      { label: t('incident.tlp'), cell: (x) => [tlpBadge(x.marking && x.marking.tlp), x.marking && x.marking.embargo ? [' ', embargoNote(x.marking)] : null], class: 'nowrap' },
      { label: t('incident.detected'), cell: (x) => fmtDate(x.detected), class: 'nowrap' },
    ], rows, { class: 'incidents', empty: t('incidents.none'), row: (x) => ({ dataset: { id: String(x.id) } }) }));
}

function moveForm(x, next) {
  const reason = h('textarea', { name: 'reason', id: 'move-reason', rows: 2, maxlength: 16384 });
  const status = h('div', { class: 'form-status' });
  const buttons = next.map((s) => h('button', {
    type: 'button', class: 'secondary move', dataset: { to: s },
    on: {
      click: async () => {
        status.replaceChildren();
        buttons.forEach((b) => { b.disabled = true; });
        try {
          await api('POST', '/api/v1/incidents/' + x.id + '/moves', { body: { to: s, reason: reason.value.trim() } });
          refresh();
        } catch (err) {
          status.append(errorBox(err));
          buttons.forEach((b) => { b.disabled = false; });
        }
      },
    },
  }, t('incident.moveTo', { state: label('incident.state', s) })));
  if (!next.length) return h('p', { class: 'muted' }, t('incident.noMoves'));
  return h('div', { id: 'moves' }, field(t('incident.moveReason'), reason), status, h('div', { class: 'actions' }, buttons));
}

function noteForm(x) {
  const text = h('textarea', { name: 'text', id: 'note-text', rows: 3, maxlength: 16384, required: true });
  const kind = select('kind', NOTE_KINDS.map((k) => [k, label('incident.event', k)]), 'note');
  kind.id = 'note-kind';
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'note-submit' }, t('incident.addNote'));
  return h('form', {
    id: 'note-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('POST', '/api/v1/incidents/' + x.id + '/notes', { body: { text: text.value.trim(), kind: kind.value } });
        refresh();
      }),
    },
  }, field(t('incident.noteKind'), kind), field(t('incident.noteText'), text), status, h('div', { class: 'actions' }, button));
}

function taskForm(x) {
  const title = input('title', 'text', '', { id: 'task-title', required: true, maxlength: 500 });
  const kind = select('kind', TASK_KINDS.map((k) => [k, label('incident.taskKind', k)]), 'containment');
  kind.id = 'task-kind';
  const owner = input('owner', 'text', '', { id: 'task-owner', maxlength: 200 });
  const due = input('due', 'date', '', { id: 'task-due' });
  const link = input('link', 'text', '', { id: 'task-link', maxlength: 500 });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'task-submit' }, t('incident.addTask'));
  return h('form', {
    id: 'task-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { title: title.value.trim(), kind: kind.value };
        if (owner.value.trim()) body.owner = owner.value.trim();
        if (due.value) body.due = due.value;
        if (link.value.trim()) body.link = link.value.trim();
        await api('POST', '/api/v1/incidents/' + x.id + '/tasks', { body });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('incident.taskTitle'), title), field(t('incident.taskKindLabel'), kind),
    field(t('incident.taskOwner'), owner, t('incident.taskOwnerHint')), field(t('incident.taskDue'), due),
    field(t('incident.taskLink'), link, t('incident.taskLinkHint'))),
  status, h('div', { class: 'actions' }, button));
}

function doneButton(x, task, status) {
  return h('button', {
    type: 'button', class: 'secondary small task-done',
    on: {
      click: async (ev) => {
        ev.target.disabled = true;
        status.replaceChildren();
        try {
          await api('POST', '/api/v1/incidents/' + x.id + '/tasks/' + task.id + '/done');
          refresh();
        } catch (err) {
          status.append(errorBox(err));
          ev.target.disabled = false;
        }
      },
    },
  }, t('incident.markDone'));
}

// save hands a downloaded file to the browser.
function save({ blob, name }) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// evidenceSection lists the evidence released to the caller and takes
// uploads. Every download and export asks why: the reason goes into the
// item's chain of custody, which the API keeps.
function evidenceSection(x, items, write) {
  const status = h('div', { class: 'form-status', id: 'evidence-status' });
  const why = input('reason', 'text', '', { id: 'evidence-why', maxlength: 2000, placeholder: t('evidence.whyPlaceholder') });
  const need = () => {
    if (why.value.trim()) return why.value.trim();
    status.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, t('evidence.whyNeeded')));
    why.focus();
    return '';
  };
  const act = (fn) => async (ev) => {
    status.replaceChildren();
    const reason = need();
    if (!reason) return;
    ev.target.disabled = true;
    try {
      await fn(reason);
      refresh();
    } catch (err) {
      status.append(errorBox(err));
      ev.target.disabled = false;
    }
  };
  const list = table([
    { label: t('evidence.name'), cell: (e) => e.name, class: 'wrap' },
    { label: t('evidence.size'), cell: (e) => fmtBytes(e.size), class: 'nowrap' },
    { label: 'SHA-256', cell: (e) => mono(e.sha256.slice(0, 16) + '…'), class: 'nowrap' },
    { label: t('incident.tlp'), cell: (e) => tlpBadge(e.marking && e.marking.tlp) },
    { label: t('evidence.collected'), cell: (e) => [e.collected_by, ', ', fmtDateTime(e.collected)], class: 'nowrap' },
    { label: '', cell: (e) => h('button', { type: 'button', class: 'secondary small evidence-get', on: { click: act(async (reason) => save(await fetchFile('POST', '/api/v1/incidents/' + x.id + '/evidence/' + e.id + '/download', { reason }))) } }, t('evidence.download')) },
  ], items, { class: 'evidence-items', empty: t('evidence.none'), row: (e) => ({ dataset: { id: String(e.id), sha256: e.sha256 } }) });
  const bundle = items.length ? h('button', {
    type: 'button', class: 'secondary', id: 'evidence-bundle',
    on: { click: act(async (reason) => save(await fetchFile('POST', '/api/v1/incidents/' + x.id + '/evidence/bundle', { reason }))) },
  }, t('evidence.bundle')) : null;
  return h('section', { class: 'card', id: 'evidence' }, h('h2', null, t('evidence.title')),
    h('p', { class: 'muted small' }, t('evidence.intro')),
    list,
    items.length ? h('div', { class: 'grid-form' }, field(t('evidence.why'), why), h('div', { class: 'actions' }, bundle)) : null,
    status,
    write ? h('details', null, h('summary', null, t('evidence.add')), uploadForm(x)) : null);
}

function uploadForm(x) {
  const file = input('file', 'file', '', { id: 'evidence-file', required: true });
  const description = input('description', 'text', '', { id: 'evidence-description', maxlength: 4000 });
  const source = input('source', 'text', '', { id: 'evidence-source', maxlength: 1024 });
  const reason = input('reason', 'text', '', { id: 'evidence-reason', maxlength: 4000, required: true });
  const tlp = select('tlp', TLPS.map((v) => [v, 'TLP:' + v]), (x.marking && x.marking.tlp) || 'RED');
  tlp.id = 'evidence-tlp';
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'evidence-submit' }, t('evidence.upload'));
  return h('form', {
    id: 'evidence-form',
    on: {
      submit: submitter(status, button, async () => {
        const f = file.files[0];
        await upload('POST', '/api/v1/incidents/' + x.id + '/evidence', {
          file: f,
          query: { name: f.name, description: description.value.trim(), source: source.value.trim(), reason: reason.value.trim(), tlp: tlp.value },
        });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('evidence.file'), file, t('evidence.fileHint')), field(t('incident.tlp'), tlp),
    field(t('evidence.description'), description), field(t('evidence.source'), source),
    field(t('evidence.reason'), reason, t('evidence.reasonHint'))),
  status, h('div', { class: 'actions' }, button));
}

export async function incidentPage({ params, can }) {
  const id = encodeURIComponent(params[0]);
  const at = (sub) => api('GET', '/api/v1/incidents/' + id + sub);
  // Playbooks are the process's (process.read): one who may not read
  // them sees the playbook followed, not the list to follow another.
  const [v, evidence, rca, breach, tree, escalation, deliveries, playbooks] = await Promise.all([
    at(''), at('/evidence'), at('/rca'), at('/breach'), at('/stakeholders'), at('/escalation'), at('/deliveries'),
    can('process.read') ? api('GET', '/api/v1/playbooks') : null,
  ]);
  const x = v.incident;
  setTitle(t('incident.heading', { id: x.id }));
  const write = can('finding.triage');
  const decide = can('finding.accept');
  const taskStatus = h('div', { class: 'form-status' });
  return h('article', { class: 'incident' },
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/incidents' }, t('nav.incidents'))),
      h('h1', null, t('incident.heading', { id: x.id }), ' ', x.title),
      h('div', { class: 'badges' }, h('span', { id: 'incident-state' }, stateBadge(x.state)), ' ', severityBadge(x.severity), ' ',
        tlpBadge(x.marking.tlp), x.marking.embargo ? [' ', embargoNote(x.marking)] : null,
        x.personal_data ? [' ', h('span', { class: 'badge danger' }, t('incident.personalDataBadge'))] : null)),
    h('div', { class: 'grid-2' },
      section(t('incident.facts'), dl([
        [t('incident.category'), label('incident.category', x.category)],
        [t('incident.severityLabel'), severityBadge(x.severity)],
        [t('incident.tlp'), [tlpBadge(x.marking.tlp), h('div', { class: 'muted small' }, label('tlpMeaning', x.marking.tlp))]],
        [t('incident.embargoField'), x.marking.embargo ? [fmtDateTime(x.marking.embargo.until), x.marking.embargo.reason ? ' · ' + x.marking.embargo.reason : '',
          (x.marking.embargo.recipients || []).length ? h('div', { class: 'muted small' }, t('incident.embargoTo', { who: x.marking.embargo.recipients.join(', ') })) : null] : ''],
        [t('incident.detected'), fmtDateTime(x.detected)],
        [t('incident.reported'), fmtDateTime(x.reported)],
        [t('incident.owner'), x.owner || ''],
        [t('incident.assets'), (x.assets || []).join(', ')],
        [t('incident.vulns'), (x.vulns || []).map((id) => [h('a', { href: '/vulns/' + encodeURIComponent(id), class: 'mono' }, id), ' '])],
        [t('incident.projects'), (x.projects || []).join(', ')],
      ])),
      write ? section(t('incident.move'), moveForm(x, v.next_states || [])) : null),
    h('div', { class: 'grid-2' }, playbookSection(x, playbooks && playbooks.items, write), impactSection(x, write)),
    h('section', { class: 'card', id: 'tasks' }, h('h2', null, t('incident.tasks')),
      taskStatus,
      table([
        { label: t('incident.taskTitle'), cell: (k) => k.title, class: 'wrap' },
        { label: t('incident.taskKindLabel'), cell: (k) => label('incident.taskKind', k.kind) },
        { label: t('incident.taskOwner'), cell: (k) => k.owner },
        { label: t('incident.taskDue'), cell: (k) => (k.due ? fmtDay(k.due) : ''), class: 'nowrap' },
        { label: t('incident.taskLink'), cell: (k) => k.link || '', class: 'wrap small' },
        { label: t('incident.taskDone'), cell: (k) => (k.done ? t('incident.doneBy', { by: k.done_by, at: fmtDateTime(k.done) }) : write ? doneButton(x, k, taskStatus) : ''), class: 'nowrap' },
      ], v.tasks || [], { class: 'tasks', empty: t('incident.noTasks'), row: (k) => ({ class: k.done ? 'done' : undefined, dataset: { id: String(k.id) } }) }),
      write ? h('details', null, h('summary', null, t('incident.addTask')), taskForm(x)) : null),
    rcaSection(x, rca, write, decide),
    breachSection(x, breach, write, decide),
    commsSection(x, tree.items, escalation, deliveries, write),
    evidenceSection(x, evidence.items || [], write),
    write ? section(t('incident.addNote'), noteForm(x)) : null,
    h('section', { class: 'card', id: 'timeline' }, h('h2', null, t('incident.timeline')),
      table([
        { label: t('audit.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
        { label: t('audit.actor'), cell: (e) => e.actor },
        { label: t('incident.eventKind'), cell: (e) => label('incident.event', e.kind) },
        { label: t('incident.eventText'), cell: (e) => e.text, class: 'wrap' },
      ], [...(v.timeline || [])].reverse(), { class: 'timeline', empty: t('incident.noEvents') })));
}
