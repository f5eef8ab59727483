// The sign-in page.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorBox, field, input } from '../ui.js';

export function signinPage({ signedIn }) {
  const name = input('name', 'text', '', { id: 'signin-name', autocomplete: 'username', required: true, autofocus: true, maxlength: 64 });
  const password = input('password', 'password', '', { id: 'signin-password', autocomplete: 'current-password', required: true, maxlength: 256 });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h('form', {
    class: 'signin card', 'aria-labelledby': 'signin-title',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        button.disabled = true;
        status.replaceChildren();
        try {
          const me = await api('POST', '/api/v1/session', { body: { name: name.value.trim(), password: password.value }, quiet401: true });
          signedIn(me);
        } catch (err) {
          status.append(errorBox(err));
          password.select();
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  h('h1', { id: 'signin-title' }, t('signin.title')),
  h('p', { class: 'muted' }, t('signin.intro')),
  field(t('signin.name'), name),
  field(t('signin.password'), password),
  status,
  h('div', { class: 'actions' }, button));
  return h('div', { class: 'signin-wrap' }, form);
}
