// An incident's place in the response process: the playbook version it
// follows (following one adds the response tasks of its steps, each
// owned by the roster's member in the step's role) and its impact, the
// inputs of the incident metrics. Both are finding.triage, through the
// incident's own disclosure control (the API checks).

import { h } from '../dom.js';
import { t, currentLang, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { refresh } from '../router.js';
import { dl, field, select, input, submitter, splitList, card, folded, formStatus, flash, mono } from '../ui.js';
import { bilingualText } from './process.js';

// playbookSection shows the playbook followed and, to those who may
// follow one and read the process (playbooks is null otherwise), a form
// to follow one.
export function playbookSection(x, playbooks, write) {
  const ref = x.playbook;
  const known = ref && playbooks ? playbooks.find((p) => p.key === ref.key) : null;
  const followed = ref
    ? h('p', { id: 'playbook-followed', dataset: { key: ref.key, version: String(ref.version) } },
      t('playbook.follows'), ' ', h('strong', null, known ? bilingualText(known.title) : ref.key), ' ', mono(ref.key + ' v' + ref.version),
      playbooks ? [' ', h('a', { href: '/process#pb-' + encodeURIComponent(ref.key) }, t('playbook.open'))] : null)
    : h('p', { class: 'muted', id: 'playbook-followed' }, t('playbook.none'));
  return card('playbook', t('playbook.title'), t('playbook.intro'), followed,
    write && playbooks ? (playbooks.length ? folded(ref ? t('playbook.followOther') : t('playbook.follow'), followForm(x, playbooks))
      : h('p', { class: 'muted small' }, t('playbook.noneToFollow'), ' ', h('a', { href: '/process' }, t('nav.process')))) : null);
}

function followForm(x, playbooks) {
  const key = select('key', playbooks.map((p) => [p.key, bilingualText(p.title) + ' (' + p.key + ')']), (x.playbook && x.playbook.key) || '');
  key.id = 'follow-key';
  const version = input('version', 'number', '', { id: 'follow-version', min: 1, placeholder: t('playbook.latest') });
  const tasks = input('tasks', 'checkbox', '', { id: 'follow-tasks', checked: true });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'follow-submit' }, t('playbook.follow'));
  return h('form', {
    id: 'follow-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { key: key.value, tasks: tasks.checked, lang: currentLang() };
        if (version.value) body.version = Number(version.value);
        const got = await api('POST', '/api/v1/incidents/' + x.id + '/playbook', { body });
        flash(t('playbook.followed', { key: got.incident.playbook.key, version: got.incident.playbook.version, n: got.added.length }));
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' }, field(t('playbook.which'), key), field(t('playbook.version'), version, t('playbook.versionHint'))),
  field(t('playbook.addTasks'), tasks),
  status, h('div', { class: 'actions' }, button));
}

function money(m) {
  return m ? fmtNumber(m.amount) + ' ' + m.currency : '';
}

// impactSection shows what the incident cost and, to those who may
// record it, the form, which replaces the figures recorded.
export function impactSection(x, write) {
  const im = x.impact;
  const facts = im
    ? dl([
      [t('impact.downtime'), im.downtime_minutes ? t('impact.minutes', { n: fmtNumber(im.downtime_minutes, 0) }) : t('impact.zero')],
      [t('impact.directCost'), money(im.direct_cost)],
      [t('impact.personHours'), im.person_hours ? fmtNumber(im.person_hours, 1) : ''],
      [t('impact.longTermCost'), im.long_term_cost ? [money(im.long_term_cost), im.long_term_cost.note ? h('div', { class: 'muted small' }, im.long_term_cost.note) : null] : ''],
      [t('incident.projects'), (x.projects || []).join(', ')],
    ], 'impact-facts')
    : h('p', { class: 'muted' }, t('impact.none'));
  return card('impact', t('impact.title'), t('impact.intro'), facts,
    write ? folded(im ? t('impact.change') : t('impact.record'), impactForm(x)) : null);
}

function impactForm(x) {
  const im = x.impact || {};
  const num = (name, v, extra) => input(name, 'number', v ?? '', { min: 0, step: 'any', ...extra });
  const downtime = num('downtime_minutes', im.downtime_minutes, { id: 'impact-downtime', step: 1 });
  const cost = num('direct_cost', im.direct_cost && im.direct_cost.amount, { id: 'impact-cost' });
  const currency = input('currency', 'text', (im.direct_cost && im.direct_cost.currency) || (im.long_term_cost && im.long_term_cost.currency) || 'CNY',
    { id: 'impact-currency', maxlength: 3, pattern: '[A-Za-z]{3}', class: 'short' });
  const hours = num('person_hours', im.person_hours, { id: 'impact-hours' });
  const longTerm = num('long_term_cost', im.long_term_cost && im.long_term_cost.amount, { id: 'impact-longterm' });
  const note = input('note', 'text', (im.long_term_cost && im.long_term_cost.note) || '', { id: 'impact-note', maxlength: 4000 });
  const projects = input('projects', 'text', (x.projects || []).join(', '), { id: 'impact-projects', maxlength: 8000 });
  const reason = input('reason', 'text', '', { id: 'impact-reason', maxlength: 2000 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'impact-submit' }, t('impact.save'));
  return h('form', {
    id: 'impact-form',
    on: {
      submit: submitter(status, button, async () => {
        const cur = currency.value.trim().toUpperCase();
        const body = { projects: splitList(projects.value) };
        if (downtime.value) body.downtime_minutes = Number(downtime.value);
        if (hours.value) body.person_hours = Number(hours.value);
        if (cost.value) body.direct_cost = { amount: Number(cost.value), currency: cur };
        if (longTerm.value) body.long_term_cost = { amount: Number(longTerm.value), currency: cur, note: note.value.trim() };
        if (reason.value.trim()) body.reason = reason.value.trim();
        await api('PUT', '/api/v1/incidents/' + x.id + '/impact', { body });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('impact.downtimeMinutes'), downtime), field(t('impact.personHours'), hours),
    field(t('impact.directCost'), cost), field(t('impact.currency'), currency, t('impact.currencyHint')),
    field(t('impact.longTermCost'), longTerm), field(t('impact.longTermNote'), note, t('impact.longTermHint')),
    field(t('incident.projects'), projects, t('incident.listHint')), field(t('impact.reason'), reason, t('impact.reasonHint'))),
  status, h('div', { class: 'actions' }, button));
}
