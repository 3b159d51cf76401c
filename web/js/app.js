import { renderAccount } from './account.js';
import { api, clearSession, saveSession, session, setUnauthorizedHandler } from './api.js';
import { errorText, h, mount } from './dom.js';
import { renderInbox } from './inbox.js';
import { renderAlerts, renderLine, renderLines } from './admin.js';
import { renderTeam } from './team.js';
import { renderWizard } from './wizard.js';

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
/** Cleanup of the page shown now (timers, streams). */
let leave = () => {};

setUnauthorizedHandler(() => {
  clearSession();
  location.hash = '#/login';
});

/** @param {string} hash */
export function go(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

async function route() {
  leave();
  leave = () => {};
  const path = location.hash.replace(/^#/, '') || '/inbox';
  const parts = path.split('/').filter(Boolean);
  const current = session();
  if (!current || parts[0] === 'login') {
    if (current && parts[0] === 'login') return go('#/inbox');
    return renderLogin();
  }
  const admin = current.user.role === 'admin';
  const main = h('main.page');
  mount(root, shell(current.user, parts[0] ?? 'inbox', admin), main);
  /** @type {(() => void) | void} */
  let cleanup;
  const [section, a, b, c] = parts;
  if (section === 'lines' && admin) {
    if (a && b === 'connect') cleanup = await renderWizard(main, Number(a), c);
    else if (a) cleanup = await renderLine(main, Number(a));
    else cleanup = await renderLines(main);
  } else if (section === 'alerts' && admin) {
    cleanup = await renderAlerts(main);
  } else if (section === 'team' && admin) {
    await renderTeam(main);
  } else if (section === 'account') {
    renderAccount(main, current.user);
  } else {
    cleanup = renderInbox(main, current.user, a ? a : undefined, b ? Number(b) : undefined);
  }
  if (cleanup) leave = cleanup;
}

/** @param {{name: string, email: string, role: string}} user @param {string} active @param {boolean} admin */
function shell(user, active, admin) {
  const tab = (/** @type {string} */ id, /** @type {string} */ label) =>
    h('a.tab', { href: `#/${id}`, class: active === id ? 'tab active' : 'tab', 'data-nav': id }, label);
  const alertBadge = h('span.badge.hidden', { 'data-alert-count': '' });
  if (admin) {
    api('GET', '/api/alerts?limit=50')
      .then((/** @type {any[]} */ alerts) => {
        const unread = alerts.filter((a) => !a.readAt).length;
        if (unread > 0) {
          alertBadge.textContent = String(unread);
          alertBadge.classList.remove('hidden');
        }
      })
      .catch(() => {});
  }
  return h(
    'header.topbar',
    null,
    h('a.brand', { href: '#/inbox' }, h('span.logo', null, 'S'), 'Switchboard'),
    h(
      'nav.tabs',
      null,
      tab('inbox', 'Inbox'),
      admin && tab('lines', 'Lines & channels'),
      admin && tab('team', 'Team'),
      admin &&
        h('a', { href: '#/alerts', class: active === 'alerts' ? 'tab active' : 'tab' }, 'Alerts', alertBadge),
    ),
    h(
      'div.me',
      null,
      presenceSelect(),
      h('a.me-name', { href: '#/account', title: 'Account and password' }, user.name || user.email),
      h('span.role', null, user.role),
      h(
        'button.link',
        {
          type: 'button',
          onclick: () => {
            clearSession();
            go('#/login');
          },
        },
        'Sign out',
      ),
    ),
  );
}

/** The operator's presence: online takes new chats, away and offline do not. */
function presenceSelect() {
  const select = /** @type {HTMLSelectElement} */ (
    h(
      'select.presence.hidden',
      { 'aria-label': 'Presence', name: 'presence' },
      ['online', 'away', 'offline'].map((p) => h('option', { value: p }, p)),
    )
  );
  const show = (/** @type {string} */ status) => {
    select.value = status;
    select.dataset.status = status;
    select.classList.remove('hidden');
  };
  api('GET', '/api/operators/me/presence')
    .then((/** @type {any} */ p) => show(p.status))
    .catch(() => {});
  select.addEventListener('change', () => {
    api('PUT', '/api/operators/me/presence', { status: select.value })
      .then((/** @type {any} */ p) => show(p.status))
      .catch(() => {});
  });
  return select;
}

function renderLogin() {
  const error = h('p.form-error', { role: 'alert' });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button.primary', { type: 'submit' }, 'Sign in');
  const form = h(
    'form.login-card',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.textContent = '';
        submit.setAttribute('disabled', '');
        try {
          const login = await api('POST', '/api/auth/login', {
            email: /** @type {HTMLInputElement} */ (email).value,
            password: /** @type {HTMLInputElement} */ (password).value,
          });
          saveSession(/** @type {any} */ (login));
          go('#/inbox');
        } catch (err) {
          error.textContent = errorText(err);
        } finally {
          submit.removeAttribute('disabled');
        }
      },
    },
    h('div.login-brand', null, h('span.logo.big', null, 'S'), h('h1', null, 'Switchboard')),
    h('p.muted', null, 'Sign in to the support inbox'),
    h('label', null, 'Email', email),
    h('label', null, 'Password', password),
    error,
    submit,
  );
  mount(root, h('div.login-page', null, form));
  email.focus();
}

window.addEventListener('hashchange', () => void route());
void route();
