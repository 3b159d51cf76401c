import { api } from './api.js';
import { h, mount } from './dom.js';

/** The signed-in user's own account: who they are, and a password change. @param {HTMLElement} main @param {{name: string, email: string, role: string}} user */
export function renderAccount(main, user) {
  const field = (
    /** @type {string} */ label,
    /** @type {string} */ name,
    /** @type {string} */ autocomplete,
  ) =>
    /** @type {HTMLInputElement} */ (
      h('input', { name, type: 'password', required: true, autocomplete, 'aria-label': label })
    );
  const current = field('Current password', 'currentPassword', 'current-password');
  const next = field('New password', 'newPassword', 'new-password');
  const again = field('New password again', 'newPasswordAgain', 'new-password');
  const message = h('p.form-message', { role: 'status' });
  const form = h(
    'form.change-password',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        message.className = 'form-message form-error';
        if (next.value !== again.value) {
          message.textContent = 'The two new passwords differ.';
          return;
        }
        try {
          await api('POST', '/api/auth/password', {
            currentPassword: current.value,
            newPassword: next.value,
          });
          for (const input of [current, next, again]) input.value = '';
          message.className = 'form-message';
          message.textContent = 'Password changed.';
        } catch (err) {
          message.textContent = err instanceof Error ? err.message : String(err);
        }
      },
    },
    h(
      'div.grid',
      null,
      [current, next, again].map((input) =>
        h('label.field', null, h('span', null, input.getAttribute('aria-label')), input),
      ),
    ),
    h('div.form-foot', null, message, h('button.primary', { type: 'submit' }, 'Change password')),
  );
  mount(
    main,
    h(
      'div.page-head',
      null,
      h('h1', null, 'Account'),
      h('p.muted', null, `${user.name} · ${user.email} · ${user.role}`),
    ),
    h('div.card', null, h('h2', null, 'Password'), h('p.muted', null, 'At least 8 characters.'), form),
  );
}
