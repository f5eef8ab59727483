// Users and teams. Administrators (user.admin) see every user with role,
// teams and whether they are disabled, add users and disable or enable
// them (PUT /api/v1/users/{name}, audited); anyone who may read assets
// sees the teams, with their assets, members and open findings (GET
// /api/v1/teams).

import { h, append, clear } from '../dom.js';
import { t, label, fmtNumber, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { pathWith } from '../router.js';
import { setTitle, table, field, select, input, errorBox } from '../ui.js';

const ROLES = ['admin', 'analyst', 'owner', 'auditor', 'reporter'];

function teamList(s) {
  return s.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);
}

function newUserForm(done) {
  const name = input('name', 'text', '', { id: 'user-name', required: true, maxlength: 64, autocomplete: 'off', pattern: '[a-z0-9][a-z0-9._@\\-]*' });
  const display = input('display', 'text', '', { id: 'user-display', maxlength: 200, autocomplete: 'off' });
  const role = select('role', ROLES.map((r) => [r, label('role', r)]), 'analyst');
  role.id = 'user-role';
  const teams = input('teams', 'text', '', { id: 'user-teams', maxlength: 1000, autocomplete: 'off' });
  const password = input('password', 'password', '', { id: 'user-password', required: true, maxlength: 256, autocomplete: 'new-password' });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'user-create' }, t('users.create'));
  const form = h('form', {
    class: 'grid-form', id: 'user-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        button.disabled = true;
        try {
          const u = await api('PUT', '/api/v1/users/' + encodeURIComponent(name.value.trim()), {
            body: { display: display.value.trim() || undefined, role: role.value, teams: teamList(teams.value), password: password.value },
          });
          done(t('users.created', { name: u.name }));
        } catch (err) {
          status.replaceChildren(errorBox(err));
          button.disabled = false;
        }
      },
    },
  },
  field(t('signin.name'), name),
  field(t('users.display'), display),
  field(t('users.role'), role),
  field(t('users.teams'), teams, t('users.teamsHint')),
  field(t('signin.password'), password, t('users.passwordHint')),
  status,
  h('div', { class: 'actions' }, button));
  return h('details', { class: 'card new-user' }, h('summary', null, t('users.new')), form);
}

// toggle disables or enables a user, keeping the rest as it is.
function toggle(u, done) {
  const status = h('span', null);
  const button = h('button', {
    type: 'button', class: 'secondary small-button', dataset: { user: u.name },
    on: {
      click: async () => {
        button.disabled = true;
        try {
          await api('PUT', '/api/v1/users/' + encodeURIComponent(u.name), {
            body: { display: u.display || undefined, role: u.role, teams: u.teams || [], disabled: !u.disabled },
          });
          done(t(u.disabled ? 'users.enabled' : 'users.disabledDone', { name: u.name }));
        } catch (err) {
          status.replaceChildren(errorBox(err));
          button.disabled = false;
        }
      },
    },
  }, t(u.disabled ? 'users.enable' : 'users.disable'));
  return [button, status];
}

function usersSection(users, me, done) {
  return h('section', { class: 'card', id: 'users' },
    h('h2', null, t('users.users', { n: fmtNumber(users.length) })),
    newUserForm(done),
    table([
      { label: t('signin.name'), cell: (u) => h('span', { class: 'mono' }, u.name) },
      { label: t('users.display'), cell: (u) => u.display || '' },
      { label: t('users.role'), cell: (u) => label('role', u.role) },
      { label: t('users.teams'), cell: (u) => (u.teams || []).join(', ') },
      { label: t('users.status'), cell: (u) => (u.disabled ? h('span', { class: 'badge danger' }, t('users.disabled')) : h('span', { class: 'badge ok' }, t('users.active'))) },
      { label: t('asset.created'), cell: (u) => fmtDate(u.created), class: 'nowrap' },
      { label: '', cell: (u) => (u.name === me.name ? '' : toggle(u, done)) },
    ], users, { class: 'users', empty: t('users.none'), row: (u) => ({ dataset: { name: u.name }, class: u.disabled ? 'disabled' : undefined }) }));
}

function teamsSection(teams) {
  return h('section', { class: 'card', id: 'teams' },
    h('h2', null, t('users.teamsTitle', { n: fmtNumber(teams.length) })),
    table([
      { label: t('asset.team'), cell: (x) => h('strong', null, x.name) },
      { label: t('users.teamAssets'), cell: (x) => fmtNumber(x.assets || 0), class: 'num' },
      { label: t('users.teamOpen'), cell: (x) => h('a', { href: pathWith('/findings', { team: x.name }) }, fmtNumber(x.open || 0)), class: 'num' },
      { label: t('users.teamMembers'), cell: (x) => ((x.members || []).length ? (x.members || []).join(', ') : h('span', { class: 'muted' }, t('common.none'))) },
    ], teams, { class: 'teams', empty: t('users.noTeams'), row: (x) => ({ dataset: { team: x.name } }) }));
}

export async function usersPage({ can, user }) {
  setTitle(t('users.title'));
  const root = h('div', null);
  const load = async (message) => {
    const [users, teams] = await Promise.all([
      can('user.admin') ? api('GET', '/api/v1/users') : null,
      can('asset.read') ? api('GET', '/api/v1/teams') : null,
    ]);
    const done = (msg) => load(msg).catch((err) => root.append(errorBox(err)));
    append(clear(root), [
      h('div', { class: 'page-head' }, h('h1', null, t('users.title'))),
      message ? h('div', { class: 'alert ok', role: 'status', id: 'users-message' }, message) : null,
      users ? usersSection(users, user, done) : null,
      teams ? teamsSection(teams.items || []) : null]);
  };
  await load();
  return root;
}
