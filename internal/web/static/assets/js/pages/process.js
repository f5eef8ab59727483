// The incident response process (SAMM VM2) and its people: versioned
// playbooks with their bilingual steps and the import of a playbook
// document, the response team roster, who is due or overdue for
// training, stakeholder briefings with the share of teams briefed in the
// last six months, and the periodic process reviews with when the next
// is due. Reading is process.read; recording is process.write; the
// review schedule is policy.write. The API checks each again.

import { h } from '../dom.js';
import { t, label, currentLang, fmtDate, fmtDateTime, fmtDay, fmtPercent } from '../i18n.js';
import { api } from '../api.js';
import { refresh } from '../router.js';
import {
  setTitle, table, dl, field, select, input, textarea, errorBox, mono, submitter, splitList, localISO, nowLocal, day,
  card, folded, formStatus, flash, downloadLink,
} from '../ui.js';

// bilingual shows a process text ({en, zh-CN}) in the UI's language,
// marked with its language; the other language follows, muted, when
// both is set.
export function bilingual(b, both) {
  if (!b) return '';
  const ui = currentLang();
  const other = ui === 'en' ? 'zh-CN' : 'en';
  const first = b[ui] ? [ui, b[ui]] : [other, b[other]];
  const second = first[0] === ui ? [other, b[other]] : null;
  return [
    h('span', { lang: first[0] }, first[1] || ''),
    both && second && second[1] ? h('span', { class: 'muted small other-lang', lang: second[0] }, second[1]) : null,
  ];
}

// bilingualText is a process text as a plain string in the UI's
// language, for options and titles.
export function bilingualText(b) {
  if (!b) return '';
  return b[currentLang()] || b.en || b['zh-CN'] || '';
}

function trainingBadge(s) {
  const cls = { current: 'ok', due: 'warn', overdue: 'danger' }[s] || 'muted';
  return h('span', { class: ['badge', cls], dataset: { state: s } }, label('process.training', s));
}

function todayISO() {
  return new Date().toISOString().slice(0, 10);
}

function stepsTable(p) {
  return table([
    { label: '#', cell: (s) => String(p.steps.indexOf(s) + 1), class: 'num' },
    { label: t('process.phase'), cell: (s) => label('process.phase', s.phase) },
    { label: t('process.role'), cell: (s) => mono(s.role) },
    { label: t('process.task'), cell: (s) => (s.task ? label('incident.taskKind', s.task) : '') },
    {
      label: t('process.step'),
      cell: (s) => [h('div', { class: 'step-title' }, bilingual(s.title, true)), h('div', { class: 'small' }, bilingual(s.description))],
      class: 'wrap',
    },
  ], p.steps || [], { class: 'steps' });
}

// versions loads a playbook's history when its panel is opened.
function versionsPanel(p) {
  const box = h('div', { class: 'versions' });
  let loaded = false;
  box.load = async () => {
    if (loaded) return;
    loaded = true;
    try {
      const got = await api('GET', '/api/v1/playbooks/' + encodeURIComponent(p.key));
      const doc = (v, f) => downloadLink('/api/v1/playbooks/' + encodeURIComponent(p.key) + '/versions/' + v.version + '/document?format=' + f, f.toUpperCase());
      box.replaceChildren(h('h4', null, t('process.versions')), table([
        { label: t('process.version'), cell: (v) => 'v' + v.version, class: 'nowrap' },
        { label: t('process.created'), cell: (v) => [fmtDateTime(v.created), ', ', v.created_by], class: 'nowrap' },
        { label: t('process.steps'), cell: (v) => String(v.steps), class: 'num' },
        { label: t('process.note'), cell: (v) => v.note || '', class: 'wrap' },
        { label: t('process.document'), cell: (v) => [doc(v, 'yaml'), ' ', doc(v, 'json')], class: 'nowrap' },
      ], [...got.versions].reverse(), { class: 'playbook-versions', row: (v) => ({ dataset: { version: String(v.version) } }) }));
    } catch (err) {
      box.replaceChildren(errorBox(err));
      loaded = false;
    }
  };
  return box;
}

function playbookPanel(p) {
  const versions = versionsPanel(p);
  const d = h('details', { class: 'playbook card', id: 'pb-' + p.key, dataset: { key: p.key, version: String(p.version) } },
    h('summary', null, h('strong', null, bilingualText(p.title)), ' ', mono(p.key), ' ',
      h('span', { class: 'badge muted' }, t('process.versionN', { n: p.version })), ' ',
      h('span', { class: 'muted small' }, t('process.stepCount', { n: (p.steps || []).length }))),
    p.description && (p.description.en || p.description['zh-CN']) ? h('p', { class: 'small' }, bilingual(p.description, true)) : null,
    dl([
      [t('process.categories'), (p.categories || []).map((c) => label('incident.category', c)).join(', ')],
      [t('process.created'), [fmtDateTime(p.created), p.created_by ? ', ' + p.created_by : '']],
      [t('process.note'), p.note || ''],
    ]),
    stepsTable(p),
    versions);
  d.addEventListener('toggle', () => { if (d.open) versions.load(); });
  return d;
}

function importForm() {
  const file = input('file', 'file', '', { id: 'playbook-file', required: true, accept: '.yaml,.yml,.json,application/yaml,application/json' });
  const status = formStatus('playbook-import-status');
  const button = h('button', { type: 'submit', class: 'primary', id: 'playbook-import' }, t('process.import'));
  return h('form', {
    id: 'playbook-form',
    on: {
      submit: submitter(status, button, async () => {
        const f = file.files[0];
        // The API reads YAML, or JSON when the document starts with {.
        const got = await api('POST', '/api/v1/playbooks', { raw: f, type: 'application/yaml' });
        const p = got.playbook;
        flash(t(got.unchanged ? 'process.importUnchanged' : 'process.imported', { title: bilingualText(p.title), key: p.key, version: p.version }));
        refresh();
      }),
    },
  }, field(t('process.file'), file, t('process.fileHint')), status, h('div', { class: 'actions' }, button));
}

function memberForm(roles) {
  const name = input('name', 'text', '', { id: 'member-name', maxlength: 200 });
  const user = input('user', 'text', '', { id: 'member-user', maxlength: 200 });
  const org = input('organisation', 'text', '', { id: 'member-org', maxlength: 200 });
  const role = input('role', 'text', '', { id: 'member-role', required: true, maxlength: 64, list: 'member-roles' });
  const contact = input('contact', 'text', '', { id: 'member-contact', maxlength: 200 });
  const team = input('team', 'text', '', { id: 'member-team', maxlength: 200 });
  const from = input('from', 'date', todayISO(), { id: 'member-from', required: true });
  const to = input('to', 'date', '', { id: 'member-to' });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'member-submit' }, t('process.addMember'));
  return h('form', {
    id: 'member-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { role: role.value.trim(), from: from.value };
        for (const [k, el] of [['name', name], ['user', user], ['organisation', org], ['contact', contact], ['team', team]]) {
          if (el.value.trim()) body[k] = el.value.trim();
        }
        if (to.value) body.to = to.value;
        await api('POST', '/api/v1/roster', { body });
        refresh();
      }),
    },
  },
  h('datalist', { id: 'member-roles' }, roles.map((r) => h('option', { value: r }))),
  h('div', { class: 'grid-form' },
    field(t('process.memberUser'), user, t('process.memberUserHint')), field(t('process.memberName'), name, t('process.memberNameHint')),
    field(t('process.organisation'), org), field(t('process.role'), role, t('process.roleHint')),
    field(t('process.contact'), contact), field(t('process.team'), team),
    field(t('process.from'), from), field(t('process.to'), to)),
  status, h('div', { class: 'actions' }, button));
}

function trainingForm(members, playbooks) {
  const member = select('member', members.map((m) => [String(m.id), m.name + ' (' + m.role + ')']), '');
  member.id = 'training-member';
  const playbook = select('playbook', playbooks.map((p) => [p.key, bilingualText(p.title) + ' (' + p.key + ')']), '');
  playbook.id = 'training-playbook';
  const latest = () => (playbooks.find((p) => p.key === playbook.value) || {}).version || 1;
  const version = input('version', 'number', latest(), { id: 'training-version', min: 1, required: true });
  playbook.addEventListener('change', () => { version.value = latest(); });
  const on = input('on', 'date', todayISO(), { id: 'training-on', required: true });
  const trainer = input('trainer', 'text', '', { id: 'training-trainer', maxlength: 200 });
  const note = input('note', 'text', '', { id: 'training-note', maxlength: 16384 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'training-submit' }, t('process.recordTraining'));
  return h('form', {
    id: 'training-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { member: Number(member.value), playbook: playbook.value, version: Number(version.value), on: on.value };
        if (trainer.value.trim()) body.trainer = trainer.value.trim();
        if (note.value.trim()) body.note = note.value.trim();
        await api('POST', '/api/v1/trainings', { body });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('process.member'), member), field(t('process.playbook'), playbook), field(t('process.version'), version),
    field(t('process.trainedOn'), on), field(t('process.trainer'), trainer, t('process.trainerHint')), field(t('process.note'), note)),
  status, h('div', { class: 'actions' }, button));
}

function briefingForm(teams, playbooks) {
  const at = input('at', 'datetime-local', nowLocal(), { id: 'briefing-at', required: true });
  const team = input('team', 'text', '', { id: 'briefing-team', required: true, maxlength: 200, list: 'briefing-teams' });
  const playbook = select('playbook', [['', t('common.none')], ...playbooks.map((p) => [p.key, bilingualText(p.title)])], '');
  playbook.id = 'briefing-playbook';
  const attendees = input('attendees', 'text', '', { id: 'briefing-attendees', maxlength: 8000 });
  const notes = textarea('notes', '', { id: 'briefing-notes', maxlength: 16384 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'briefing-submit' }, t('process.recordBriefing'));
  return h('form', {
    id: 'briefing-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { at: localISO(at.value), team: team.value.trim() };
        if (playbook.value) body.playbook = playbook.value;
        const who = splitList(attendees.value);
        if (who.length) body.attendees = who;
        if (notes.value.trim()) body.notes = notes.value.trim();
        await api('POST', '/api/v1/briefings', { body });
        refresh();
      }),
    },
  },
  h('datalist', { id: 'briefing-teams' }, teams.map((x) => h('option', { value: x }))),
  h('div', { class: 'grid-form' },
    field(t('process.briefedAt'), at), field(t('process.audience'), team, t('process.audienceHint')),
    field(t('process.playbook'), playbook), field(t('process.attendees'), attendees, t('incident.listHint'))),
  field(t('process.notes'), notes),
  status, h('div', { class: 'actions' }, button));
}

function reviewForm() {
  const on = input('on', 'date', todayISO(), { id: 'review-on', required: true });
  const participants = input('participants', 'text', '', { id: 'review-participants', required: true, maxlength: 8000 });
  const findings = textarea('findings', '', { id: 'review-findings', required: true, maxlength: 16384 });
  const decisions = textarea('decisions', '', { id: 'review-decisions', required: true, maxlength: 16384 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'review-submit' }, t('process.recordReview'));
  return h('form', {
    id: 'review-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('POST', '/api/v1/process-reviews', {
          body: { on: on.value, participants: splitList(participants.value), findings: findings.value.trim(), decisions: decisions.value.trim() },
        });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' }, field(t('process.heldOn'), on), field(t('process.participants'), participants, t('incident.listHint'))),
  field(t('process.findings'), findings), field(t('process.decisions'), decisions),
  status, h('div', { class: 'actions' }, button));
}

function scheduleForm(due) {
  const every = select('every_months', [1, 2, 3, 4, 5, 6].map((n) => [String(n), t('process.everyMonths', { n })]), String(due.schedule.every_months || 6));
  every.id = 'schedule-every';
  const start = input('start', 'date', day(due.schedule.start), { id: 'schedule-start' });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'secondary', id: 'schedule-submit' }, t('process.saveSchedule'));
  return h('form', {
    id: 'schedule-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { every_months: Number(every.value) };
        if (start.value) body.start = start.value;
        await api('PUT', '/api/v1/process-reviews/schedule', { body });
        refresh();
      }),
    },
  }, h('div', { class: 'grid-form' }, field(t('process.schedule'), every), field(t('process.scheduleStart'), start)), status,
  h('div', { class: 'actions' }, button));
}

function teamList(names, cls) {
  if (!names || !names.length) return h('span', { class: 'muted' }, t('common.none'));
  return h('ul', { class: ['plain', 'inline', cls] }, names.map((n) => h('li', null, n)));
}

export async function processPage({ can }) {
  setTitle(t('process.title'));
  const [pbs, roster, due, briefings, coverage, reviews] = await Promise.all([
    api('GET', '/api/v1/playbooks'),
    api('GET', '/api/v1/roster'),
    api('GET', '/api/v1/trainings/due'),
    api('GET', '/api/v1/briefings'),
    api('GET', '/api/v1/briefings/coverage'),
    api('GET', '/api/v1/process-reviews'),
  ]);
  const write = can('process.write');
  const playbooks = pbs.items || [];
  const members = roster.items || [];
  const obligations = due.items || [];
  const count = (s) => obligations.filter((o) => o.state === s).length;
  const roles = [...new Set(playbooks.flatMap((p) => (p.steps || []).map((s) => s.role)))].sort();
  const rd = reviews.due;
  return h('div', { class: 'process' },
    h('div', { class: 'page-head' }, h('h1', null, t('process.title')), h('p', { class: 'muted' }, t('process.intro'))),
    card('playbooks', t('process.playbooks'), t('process.playbooksIntro'),
      playbooks.length ? playbooks.map(playbookPanel) : h('p', { class: 'muted empty' }, t('process.noPlaybooks')),
      write ? folded(t('process.importPlaybook'), importForm(), { id: 'import-playbook' }) : null),
    card('roster', t('process.roster'), t('process.rosterIntro'),
      table([
        { label: t('process.memberName'), cell: (m) => m.name },
        { label: t('process.memberUser'), cell: (m) => (m.user ? mono(m.user) : h('span', { class: 'muted' }, t('process.external'))) },
        { label: t('process.organisation'), cell: (m) => m.organisation || '' },
        { label: t('process.role'), cell: (m) => mono(m.role) },
        { label: t('process.contact'), cell: (m) => m.contact || '', class: 'wrap' },
        { label: t('process.team'), cell: (m) => m.team || '' },
        { label: t('process.onTeam'), cell: (m) => [fmtDay(m.from), ' – ', m.to ? fmtDay(m.to) : ''], class: 'nowrap' },
      ], members, { class: 'roster', empty: t('process.noMembers'), row: (m) => ({ dataset: { id: String(m.id), name: m.name } }) }),
      write ? folded(t('process.addMember'), memberForm(roles), { id: 'add-member' }) : null),
    card('training', t('process.training'), t('process.trainingIntro', { months: due.policy.every_months, days: due.policy.grace_days }),
      h('p', { id: 'training-counts' },
        h('span', { class: 'badge danger', dataset: { n: String(count('overdue')) } }, t('process.overdueCount', { n: count('overdue') })), ' ',
        h('span', { class: 'badge warn', dataset: { n: String(count('due')) } }, t('process.dueCount', { n: count('due') })), ' ',
        h('span', { class: 'badge ok', dataset: { n: String(count('current')) } }, t('process.currentCount', { n: count('current') }))),
      table([
        { label: t('process.member'), cell: (o) => o.member.name },
        { label: t('process.role'), cell: (o) => mono(o.member.role) },
        { label: t('process.playbook'), cell: (o) => [mono(o.playbook.key), ' v' + o.playbook.version], class: 'nowrap' },
        { label: t('process.trainingState'), cell: (o) => trainingBadge(o.state) },
        { label: t('process.dueOn'), cell: (o) => fmtDay(o.due_on), class: 'nowrap' },
        {
          label: t('process.lastTraining'),
          cell: (o) => (o.last ? t('process.trainedBy', { on: fmtDay(o.last.on), by: o.last.trainer })
            : o.earlier ? t('process.trainedEarlier', { version: o.earlier.playbook.version, on: fmtDay(o.earlier.on) }) : t('process.neverTrained')),
          class: 'small',
        },
      ], obligations, { class: 'obligations', empty: t('process.noObligations'), row: (o) => ({ class: o.state === 'overdue' ? 'overdue' : undefined, dataset: { state: o.state, member: o.member.name } }) }),
      write && members.length && playbooks.length ? folded(t('process.recordTraining'), trainingForm(members, playbooks), { id: 'record-training' }) : null),
    card('briefings', t('process.briefings'), t('process.briefingsIntro'),
      h('div', { class: 'stats' },
        h('div', { class: 'stat', id: 'coverage' },
          h('div', { class: 'stat-label' }, t('process.coverage', { from: fmtDate(coverage.from), to: fmtDate(coverage.to) })),
          h('div', { class: 'stat-value', dataset: { percent: String(coverage.percent) } }, fmtPercent(coverage.percent / 100)),
          h('div', { class: 'stat-note' }, t('process.coverageNote', { briefed: coverage.briefed.length, teams: coverage.teams.length })))),
      dl([
        [t('process.briefed'), teamList(coverage.briefed, 'briefed')],
        [t('process.unbriefed'), teamList(coverage.unbriefed, 'unbriefed')],
        [t('process.unknownAudience'), (coverage.unknown || []).length ? teamList(coverage.unknown, 'unknown') : ''],
      ]),
      table([
        { label: t('process.briefedAt'), cell: (b) => fmtDateTime(b.at), class: 'nowrap' },
        { label: t('process.audience'), cell: (b) => b.team },
        { label: t('process.playbook'), cell: (b) => (b.playbook ? [mono(b.playbook.key), ' v' + b.playbook.version] : '') },
        { label: t('process.by'), cell: (b) => b.by },
        { label: t('process.attendees'), cell: (b) => (b.attendees || []).join(', '), class: 'wrap' },
        { label: t('process.notes'), cell: (b) => b.notes || '', class: 'wrap small' },
      ], [...(briefings.items || [])].reverse(), { class: 'briefings', empty: t('process.noBriefings') }),
      write ? folded(t('process.recordBriefing'), briefingForm(coverage.teams, playbooks), { id: 'record-briefing' }) : null),
    card('reviews', t('process.reviews'), t('process.reviewsIntro'),
      dl([
        [t('process.nextReview'), h('span', { id: 'next-review' }, rd.next ? fmtDay(rd.next) : t('process.reviewNow'), ' ',
          rd.overdue ? h('span', { class: 'badge danger', id: 'review-overdue' }, t('process.reviewOverdue')) : h('span', { class: 'badge ok' }, t('process.reviewOnTime')))],
        [t('process.schedule'), t('process.everyMonths', { n: rd.schedule.every_months })],
        [t('process.lastReview'), rd.last ? fmtDay(rd.last.on) : t('common.none')],
      ]),
      table([
        { label: t('process.heldOn'), cell: (r) => fmtDay(r.on), class: 'nowrap' },
        { label: t('process.participants'), cell: (r) => r.participants.join(', '), class: 'wrap' },
        { label: t('process.findings'), cell: (r) => r.findings, class: 'wrap' },
        { label: t('process.decisions'), cell: (r) => r.decisions, class: 'wrap' },
        { label: t('process.recordedBy'), cell: (r) => r.recorded_by || '' },
      ], reviews.items || [], { class: 'reviews', empty: t('process.noReviews') }),
      write ? folded(t('process.recordReview'), reviewForm(), { id: 'record-review' }) : null,
      can('policy.write') ? folded(t('process.changeSchedule'), scheduleForm(rd), { id: 'change-schedule' }) : null));
}
