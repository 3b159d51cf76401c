import { api, session } from './api.js';
import { field, formFoot, h, mount, shortTime, statusLine, tableHead } from './dom.js';

/** Admin: the operators and admins with their presence, and a form to add one. @param {HTMLElement} main */
export async function renderTeam(main) {
  const [users, colleagues] = await Promise.all([
    /** @type {Promise<any[]>} */ (api('GET', '/api/users')),
    /** @type {Promise<any[]>} */ (api('GET', '/api/operators')),
  ]);
  const presence = new Map(colleagues.map((c) => [c.id, c.status]));
  const me = session()?.user.id;
  const rowStatus = statusLine();
  const rerender = () => renderTeam(main);
  const name = /** @type {HTMLInputElement} */ (h('input', { name: 'name', required: true, maxlength: 255 }));
  const email = /** @type {HTMLInputElement} */ (
    h('input', { name: 'email', type: 'email', required: true })
  );
  const password = /** @type {HTMLInputElement} */ (
    h('input', {
      name: 'password',
      type: 'password',
      required: true,
      minlength: 8,
      autocomplete: 'new-password',
    })
  );
  const role = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { name: 'role' },
      h('option', { value: 'operator' }, 'operator'),
      h('option', { value: 'admin' }, 'admin'),
    )
  );
  const status = statusLine();
  const form = h(
    'form.add-user',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        try {
          const body = { name: name.value, email: email.value, password: password.value, role: role.value };
          await api('POST', '/api/users', body);
          await renderTeam(main);
        } catch (err) {
          status.fail(err);
        }
      },
    },
    h(
      'div.grid',
      null,
      field('Name', name),
      field('Email (sign-in)', email),
      field('Password (at least 8 characters)', password),
      field('Role', role),
    ),
    formFoot(status, 'Add to the team'),
  );
  mount(
    main,
    h(
      'div.page-head',
      null,
      h('h1', null, 'Team'),
      h(
        'p.muted',
        null,
        'Operators answer chats of the lines they are put on; admins also manage lines and the team.',
      ),
    ),
    h(
      'div.card',
      null,
      h(
        'table.table',
        { 'aria-label': 'Team' },
        tableHead('Name', 'Email', 'Role', 'Presence', 'Added', ''),
        h(
          'tbody',
          null,
          users.map((u) =>
            h(
              'tr',
              { 'data-user-id': String(u.id) },
              h('td', null, h('strong', null, u.name)),
              h('td', null, u.email),
              h('td', null, u.role),
              h(
                'td',
                null,
                u.status === 'disabled'
                  ? h('span.pill.bad', { 'data-status': 'disabled' }, 'disabled')
                  : presencePill(presence.get(u.id) ?? 'offline'),
              ),
              h('td', null, shortTime(u.createdAt)),
              h('td.actions', null, u.id === me ? null : accessButtons(u, rowStatus, rerender)),
            ),
          ),
        ),
      ),
    ),
    rowStatus.el,
    h('div.card', null, h('h2', null, 'Add a team member'), form),
  );
}

/**
 * Disable or enable, and remove: each ends the member's sessions at once and hands their chats on.
 * @param {{id: number, name: string, status: string}} user
 * @param {ReturnType<typeof statusLine>} status
 * @param {() => Promise<void>} rerender
 */
function accessButtons(user, status, rerender) {
  const act =
    (/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body) => async () => {
      try {
        await api(method, path, body);
        await rerender();
      } catch (err) {
        status.fail(err);
      }
    };
  const enabled = user.status !== 'disabled';
  return [
    h(
      'button',
      {
        type: 'button',
        'data-action': enabled ? 'disable' : 'enable',
        onclick: act('PUT', `/api/users/${user.id}/status`, { status: enabled ? 'disabled' : 'active' }),
      },
      enabled ? 'Disable' : 'Enable',
    ),
    h(
      'button.danger',
      {
        type: 'button',
        'data-action': 'remove',
        onclick: async () => {
          if (!confirm(`Remove ${user.name}? Their chats go back to the queue; this cannot be undone.`))
            return;
          await act('DELETE', `/api/users/${user.id}`, undefined)();
        },
      },
      'Remove',
    ),
  ];
}

/** @param {string} status online, away or offline */
function presencePill(status) {
  const tone = status === 'online' ? '.good' : status === 'away' ? '.warn' : '';
  return h(`span.pill${tone}`, { 'data-presence': status }, status);
}
