import { api, saveSession } from './api.js';
import { field, formFoot, h, mount, statusLine } from './dom.js';

/** The signed-in user's own account: who they are, and a password change. @param {HTMLElement} main @param {{name: string, email: string, role: string}} user */
export function renderAccount(main, user) {
  const password = (/** @type {string} */ name, /** @type {string} */ autocomplete) =>
    /** @type {HTMLInputElement} */ (h('input', { name, type: 'password', required: true, autocomplete }));
  const current = password('currentPassword', 'current-password');
  const next = password('newPassword', 'new-password');
  const again = password('newPasswordAgain', 'new-password');
  const status = statusLine();
  const form = h(
    'form.change-password',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        if (next.value !== again.value) {
          status.fail('The two new passwords differ.');
          return;
        }
        try {
          // Every older token (this one too) ends with the change; go on with the fresh one.
          const login = /** @type {{token: string, user: unknown}} */ (
            await api('POST', '/api/auth/password', {
              currentPassword: current.value,
              newPassword: next.value,
            })
          );
          saveSession(login);
          for (const input of [current, next, again]) input.value = '';
          status.ok('Password changed.');
        } catch (err) {
          status.fail(err);
        }
      },
    },
    h(
      'div.grid',
      null,
      field('Current password', current),
      field('New password', next),
      field('New password again', again),
    ),
    formFoot(status, 'Change password'),
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
