// SLA policies: how many days each priority has to be fixed, per
// environment (GET /api/v1/sla), and, for those allowed to change policy
// (policy.write), a form that sets one environment's (PUT
// /api/v1/sla/{env}, audited with its reason).

import { h } from '../dom.js';
import { t, label, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { setTitle, table, field, select, input, errorBox, priorityBadge, reportLinks } from '../ui.js';

// ENVS in the order shown; "default" is the policy of every environment
// without its own (the API's policy with no environment).
const ENVS = ['prod', 'staging', 'test', 'dev', 'default'];
const PRIOS = ['critical', 'high', 'medium', 'low'];

function envOf(p) {
  return p.environment || 'default';
}

function envName(env) {
  return env === 'default' ? t('sla.default') : label('env', env);
}

function days(n) {
  return n === undefined || n === null ? '' : t('unit.days', { n: fmtNumber(n) });
}

function yesNo(b) {
  return b ? t('common.yes') : t('common.no');
}

function policyTable(policies) {
  const rows = [...policies].sort((a, b) => ENVS.indexOf(envOf(a)) - ENVS.indexOf(envOf(b)));
  return table([
    { label: t('asset.environment'), cell: (p) => h('strong', null, envName(envOf(p))), class: 'nowrap' },
    ...PRIOS.map((pr) => ({ label: priorityBadge(pr), cell: (p) => days((p.days || {})[pr]), class: 'num' })),
    { label: t('sla.kev'), cell: (p) => yesNo(p.kev), class: 'center' },
    { label: t('sla.bod'), cell: (p) => yesNo(p.bod_26_04), class: 'center' },
  ], rows, { class: 'sla', empty: t('sla.none'), row: (p) => ({ dataset: { env: envOf(p) } }) });
}

// editForm sets one environment's policy; choosing an environment fills
// the form with its policy, or the default's when it has none yet.
function editForm(policies, saved) {
  const byEnv = (env) => policies().find((p) => envOf(p) === env) || policies().find((p) => envOf(p) === 'default') || { days: {} };
  const envSel = select('env', ENVS.map((e) => [e, envName(e)]), 'prod');
  envSel.id = 'sla-env';
  const dayIns = Object.fromEntries(PRIOS.map((pr) => [pr, input('days-' + pr, 'number', '', { id: 'sla-days-' + pr, min: 1, max: 3650, step: 1, required: true, class: 'short' })]));
  const kev = input('kev', 'checkbox', '', { id: 'sla-kev' });
  const bod = input('bod', 'checkbox', '', { id: 'sla-bod' });
  const reason = h('textarea', { name: 'reason', id: 'sla-reason', rows: 2, maxlength: 2000, required: true });
  const status = h('div', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'sla-save' }, t('sla.save'));
  const fill = () => {
    const p = byEnv(envSel.value);
    for (const pr of PRIOS) dayIns[pr].value = (p.days || {})[pr] ?? '';
    kev.checked = Boolean(p.kev);
    bod.checked = Boolean(p.bod_26_04);
  };
  envSel.addEventListener('change', () => { status.replaceChildren(); fill(); });
  fill();
  return h('form', {
    class: 'card sla-edit', id: 'sla-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        button.disabled = true;
        const body = {
          policy: { days: Object.fromEntries(PRIOS.map((pr) => [pr, Number(dayIns[pr].value)])), kev: kev.checked, bod_26_04: bod.checked },
          reason: reason.value.trim(),
        };
        try {
          const got = await api('PUT', '/api/v1/sla/' + encodeURIComponent(envSel.value), { body });
          reason.value = '';
          saved(got || []);
          status.replaceChildren(h('div', { class: 'alert ok', id: 'sla-saved' }, t('sla.saved', { env: envName(envSel.value) })));
        } catch (err) {
          status.replaceChildren(errorBox(err));
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  h('h2', null, t('sla.edit')),
  h('p', { class: 'muted' }, t('sla.editIntro')),
  h('div', { class: 'grid-form' },
    field(t('asset.environment'), envSel),
    PRIOS.map((pr) => field(t('sla.daysFor', { priority: label('priority', pr) }), dayIns[pr]))),
  field(t('sla.kevLong'), kev),
  field(t('sla.bodLong'), bod),
  field(t('decide.reason'), reason, t('decide.reasonHint')),
  status,
  h('div', { class: 'actions' }, button));
}

export async function slaPage({ can }) {
  setTitle(t('sla.title'));
  let policies = (await api('GET', '/api/v1/sla')) || [];
  const holder = h('div', { id: 'sla-table' }, policyTable(policies));
  return h('div', null,
    h('div', { class: 'page-head with-tools' },
      h('h1', null, t('sla.title')),
      h('div', { class: 'head-tools' }, h('span', { class: 'muted' }, t('report.sla')), reportLinks('sla', {}, 'report-sla'))),
    h('p', { class: 'muted' }, t('sla.intro')),
    holder,
    can('policy.write') ? editForm(() => policies, (ps) => { policies = ps; holder.replaceChildren(policyTable(ps)); }) : null);
}
