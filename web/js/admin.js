import { api, isMissing } from './api.js';
import { errorText, formFoot, h, mount, shortTime, statusLine, tableHead } from './dom.js';
import { connectorLabel } from './inbox.js';
import { drawQuickAnswers } from './quick-answers.js';

/** @param {any} st a connector status row */
export function statusPill(st) {
  if (st.error) return h('span.pill.bad', { 'data-state': 'error' }, 'Error');
  if (st.active && st.registered) return h('span.pill.good', { 'data-state': 'active' }, 'Connected');
  if (st.connection) return h('span.pill.warn', { 'data-state': 'connection' }, 'Not registered');
  return h('span.pill', { 'data-state': 'inactive' }, 'Not connected');
}

/** Admin: all lines, with a form to add one. @param {HTMLElement} main */
export async function renderLines(main) {
  const lines = /** @type {any[]} */ (await api('GET', '/api/lines'));
  const statuses = await Promise.all(
    lines.map((l) => api('GET', `/api/lines/${l.id}/connectors`).catch(() => [])),
  );
  const name = h('input', {
    name: 'name',
    placeholder: 'e.g. Sales',
    required: true,
    maxlength: 255,
    'aria-label': 'New line name',
  });
  const error = h('p.form-error', { role: 'alert' });
  const form = h(
    'form.inline-form',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        try {
          const line = /** @type {any} */ (
            await api('POST', '/api/lines', { name: /** @type {HTMLInputElement} */ (name).value })
          );
          location.hash = `#/lines/${line.id}`;
        } catch (err) {
          error.textContent = errorText(err);
        }
      },
    },
    name,
    h('button.primary', { type: 'submit' }, 'Add line'),
    error,
  );
  mount(
    main,
    h(
      'div.page-head',
      null,
      h('h1', null, 'Lines & channels'),
      h('p.muted', null, 'Each Open Line gathers the chats of the channels connected to it.'),
    ),
    h('div.card', null, h('h2', null, 'New line'), form),
    h(
      'div.card',
      null,
      h(
        'table.table',
        { 'aria-label': 'Lines' },
        tableHead('Line', 'Channels', 'Created', ''),
        h(
          'tbody',
          null,
          lines.length === 0
            ? h('tr', null, h('td.empty', { colspan: 4 }, 'No lines yet: add the first one above.'))
            : null,
          lines.map((l, i) =>
            h(
              'tr',
              { 'data-line-id': String(l.id) },
              h(
                'td',
                null,
                h('a', { href: `#/lines/${l.id}` }, h('strong', null, l.name)),
                h('span.muted', null, ` #${l.id}`),
              ),
              h(
                'td',
                null,
                statuses[i].length === 0
                  ? h('span.muted', null, 'none')
                  : statuses[i].map((/** @type {any} */ s) =>
                      h('span.chan', null, connectorLabel(s.connector), ' ', statusPill(s)),
                    ),
              ),
              h('td', null, shortTime(l.createdAt)),
              h(
                'td.right',
                null,
                h('a.button.secondary', { href: `#/lines/${l.id}/connect` }, 'Connect a channel'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Admin: one line's channels and settings. @param {HTMLElement} main @param {number} id */
export async function renderLine(main, id) {
  const lines = /** @type {any[]} */ (await api('GET', '/api/lines'));
  const line = lines.find((l) => l.id === id);
  if (!line) {
    mount(main, h('p.form-error', null, `Line ${id} does not exist.`));
    return;
  }
  const connectors = h('div.card');
  const operators = h('div.card');
  const settings = h('div.card');
  const quickAnswers = h('div.card');
  mount(
    main,
    h('p.crumbs', null, h('a', { href: '#/lines' }, 'Lines'), ' / ', line.name),
    h(
      'div.page-head',
      null,
      h('h1', null, line.name),
      h('a.button.primary', { href: `#/lines/${id}/connect` }, 'Connect a channel'),
    ),
    connectors,
    operators,
    settings,
    quickAnswers,
  );
  await Promise.all([
    drawConnectors(connectors, id),
    drawOperators(operators, id),
    drawSettings(settings, id),
    drawQuickAnswers(quickAnswers, id),
  ]);
}

/** @param {HTMLElement} card @param {number} lineId */
async function drawConnectors(card, lineId) {
  const rows = /** @type {any[]} */ (await api('GET', `/api/lines/${lineId}/connectors`));
  const message = h('p.form-error', { role: 'alert' });
  mount(
    card,
    h('h2', null, 'Channels'),
    rows.length === 0
      ? h('p.muted', null, 'No channel is connected to this line yet.')
      : h(
          'table.table',
          { 'aria-label': 'Channels' },
          tableHead('Channel', 'State', 'Details', 'Updated', ''),
          h(
            'tbody',
            null,
            rows.map((r) =>
              h(
                'tr',
                { 'data-connector': r.connector },
                h('td', null, h('strong', null, connectorLabel(r.connector))),
                h('td', null, statusPill(r)),
                h(
                  'td.details',
                  null,
                  r.error
                    ? `${r.errorReason ?? 'error'}${r.errorAt ? ` (${shortTime(r.errorAt)})` : ''}`
                    : describeData(r.data),
                ),
                h('td', null, shortTime(r.updatedAt)),
                h(
                  'td.right',
                  null,
                  h(
                    'a.button.secondary',
                    { href: `#/lines/${lineId}/connect/${encodeURIComponent(r.connector.split('.')[0])}` },
                    'Set up again',
                  ),
                  ' ',
                  r.active || r.registered
                    ? h(
                        'button.danger',
                        {
                          type: 'button',
                          onclick: async () => {
                            if (!confirm(`Disconnect ${connectorLabel(r.connector)} from this line?`)) return;
                            try {
                              const res = /** @type {any} */ (
                                await api(
                                  'DELETE',
                                  `/api/lines/${lineId}/connectors/${encodeURIComponent(r.connector)}`,
                                )
                              );
                              if (!res.ok)
                                message.textContent = res.steps
                                  .map((/** @type {any} */ s) => s.error?.message)
                                  .join('; ');
                              await drawConnectors(card, lineId);
                            } catch (err) {
                              message.textContent = errorText(err);
                            }
                          },
                        },
                        'Disconnect',
                      )
                    : null,
                ),
              ),
            ),
          ),
        ),
    message,
  );
}

/** The line's operators, in queue order (strictly and evenly queues use it). @param {HTMLElement} card @param {number} lineId */
async function drawOperators(card, lineId) {
  let current;
  try {
    current = /** @type {{userIds: number[]}} */ (await api('GET', `/api/lines/${lineId}/operators`));
  } catch (err) {
    if (isMissing(err)) {
      card.remove();
      return;
    }
    throw err;
  }
  const users = /** @type {any[]} */ (await api('GET', '/api/users'));
  const order = (/** @type {any} */ u) => {
    const i = current.userIds.indexOf(u.id);
    return i < 0 ? current.userIds.length + u.id : i;
  };
  users.sort((a, b) => order(a) - order(b));
  const boxes = users.map((u) => ({
    user: u,
    box: /** @type {HTMLInputElement} */ (
      h('input', { type: 'checkbox', name: `operator-${u.id}`, checked: current.userIds.includes(u.id) })
    ),
  }));
  const status = statusLine();
  mount(
    card,
    h('h2', null, 'Operators'),
    h('p.muted', null, "Who takes this line's chats; checked operators are offered chats in this order."),
    h(
      'form.operators',
      {
        onsubmit: async (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          try {
            const userIds = boxes.filter((b) => b.box.checked).map((b) => b.user.id);
            current = /** @type {any} */ (await api('PUT', `/api/lines/${lineId}/operators`, { userIds }));
            status.ok('Saved.');
          } catch (err) {
            status.fail(err);
          }
        },
      },
      h(
        'div.operator-list',
        null,
        boxes.map(({ user, box }) =>
          h(
            'label.field.check',
            null,
            box,
            h('span', null, user.name || user.email),
            h('small.muted', null, `${user.email} · ${user.role}`),
          ),
        ),
      ),
      formFoot(status, 'Save operators'),
    ),
  );
}

/** A short readable summary of what the connector server reported. @param {unknown} data */
function describeData(data) {
  if (!data || typeof data !== 'object') return '';
  /** @type {string[]} */
  const out = [];
  const visit = (/** @type {any} */ v, /** @type {string} */ key) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
    else if (typeof v === 'string' && /url|link|name|username/i.test(key) && out.length < 3) out.push(v);
  };
  visit(data, '');
  return out.join(' · ');
}

/** Known line settings and how to edit them; anything else is edited as JSON. */
const SETTING_FIELDS =
  /** @type {Record<string, {label: string, type: string, options?: string[], hint?: string}>} */ ({
    queueType: {
      label: 'Queue type',
      type: 'select',
      options: ['evenly', 'strictly', 'all'],
      hint: 'evenly: least recently served; strictly: in queue order; all: offered to everyone',
    },
    queueTimeSec: {
      label: 'Queue time (s)',
      type: 'number',
      hint: 'Before a waiting chat passes to the next operator',
    },
    maxChatsPerOperator: { label: 'Max chats per operator', type: 'number', hint: 'Empty: no limit' },
    welcomeMessage: { label: 'Welcome message', type: 'text' },
    noAnswerMessage: { label: 'No-answer message', type: 'text', hint: '{position} is the queue position' },
    noAnswerAfterSec: { label: 'No answer after (s)', type: 'number' },
    autoCloseAfterSec: { label: 'Auto-close after inactivity (s)', type: 'number' },
    closingMessage: { label: 'Closing message', type: 'text' },
    reopenWindowSec: { label: 'Reopen window (s)', type: 'number' },
    ratingRequest: { label: 'Ask for a rating at close', type: 'checkbox' },
    ratingMessage: { label: 'Rating message', type: 'text' },
    workingHours: {
      label: 'Working hours',
      type: 'json',
      hint: 'Empty: always open. JSON: {"timeZone":"Europe/Berlin","week":{"mon":[["09:00","18:00"]]},"holidays":[]}',
    },
    bot: {
      label: 'Bot',
      type: 'json',
      hint: 'Empty: no bot. JSON: {"menu":"1 — sales, 2 — human","options":[{"key":"2","label":"human","action":"human"}]}',
    },
  });

/** @param {HTMLElement} card @param {number} lineId */
async function drawSettings(card, lineId) {
  /** @type {Record<string, unknown>} */
  let current;
  try {
    current = /** @type {any} */ (await api('GET', `/api/lines/${lineId}/settings`));
  } catch (err) {
    if (isMissing(err)) {
      mount(
        card,
        h('h2', null, 'Routing settings'),
        h('p.muted', null, 'This portal has no line settings API yet.'),
      );
      return;
    }
    throw err;
  }
  /** @type {Map<string, () => unknown>} */
  const readers = new Map();
  const fields = Object.entries(current).map(([key, value]) => {
    const spec = SETTING_FIELDS[key] ?? {
      label: key,
      type:
        typeof value === 'number'
          ? 'number'
          : typeof value === 'boolean'
            ? 'checkbox'
            : typeof value === 'string'
              ? 'text'
              : 'json',
    };
    /** @type {HTMLElement} */
    let input;
    switch (spec.type) {
      case 'select':
        input = h(
          'select',
          { name: key },
          (spec.options ?? []).map((o) => h('option', { value: o, selected: o === value }, o)),
        );
        readers.set(key, () => /** @type {HTMLSelectElement} */ (input).value);
        break;
      case 'number':
        input = h('input', { name: key, type: 'number', value: value ?? '' });
        readers.set(key, () => {
          const v = /** @type {HTMLInputElement} */ (input).value;
          return v === '' ? null : Number(v);
        });
        break;
      case 'checkbox':
        input = h('input', { name: key, type: 'checkbox', checked: value === true });
        readers.set(key, () => /** @type {HTMLInputElement} */ (input).checked);
        break;
      case 'text':
        input = h('textarea', { name: key, rows: 2 }, value ?? '');
        readers.set(key, () => {
          const v = /** @type {HTMLTextAreaElement} */ (input).value;
          return v === '' && value === null ? null : v;
        });
        break;
      default:
        // Empty stands for null (for example working hours: always open).
        input = h(
          'textarea.mono',
          { name: key, rows: 3, placeholder: 'not set' },
          value === null ? '' : JSON.stringify(value),
        );
        readers.set(key, () => JSON.parse(/** @type {HTMLTextAreaElement} */ (input).value || 'null'));
    }
    return h(
      `label.field${spec.type === 'checkbox' ? '.check' : ''}`,
      null,
      h('span', null, spec.label),
      input,
      spec.hint ? h('small.muted', null, spec.hint) : null,
    );
  });
  const status = statusLine();
  mount(
    card,
    h('h2', null, 'Routing settings'),
    h(
      'form.settings',
      {
        onsubmit: async (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          /** @type {Record<string, unknown>} */
          const patch = {};
          try {
            for (const [key, read] of readers) {
              const v = read();
              if (JSON.stringify(v) !== JSON.stringify(current[key])) patch[key] = v;
            }
            current = /** @type {any} */ (await api('PATCH', `/api/lines/${lineId}/settings`, patch));
            status.ok('Saved.');
          } catch (err) {
            status.fail(err);
          }
        },
      },
      h('div.grid', null, fields),
      formFoot(status, 'Save settings'),
    ),
  );
}

/** Admin: alerts, newest first. @param {HTMLElement} main */
export async function renderAlerts(main) {
  const [alerts, parked] = /** @type {[any[], any[]]} */ (
    await Promise.all([api('GET', '/api/alerts?limit=200'), api('GET', '/api/inbox/failed?limit=200')])
  );
  const unread = alerts.filter((a) => !a.readAt).length;
  const markRead = async () => {
    // Up to the newest alert shown: one that arrived since stays unread.
    await api('POST', '/api/alerts/read', { upToId: alerts[0].id });
    document.querySelector('[data-alert-count]')?.classList.add('hidden');
    await renderAlerts(main);
  };
  mount(
    main,
    h(
      'div.page-head',
      null,
      h('h1', null, 'Alerts'),
      unread > 0
        ? h(
            'button.secondary',
            { type: 'button', 'data-action': 'mark-alerts-read', onclick: () => void markRead() },
            `Mark ${unread} as read`,
          )
        : null,
    ),
    h(
      'div.card',
      null,
      alerts.length === 0
        ? h('p.muted', null, 'No alerts. Connector problems reported by the connector server appear here.')
        : h(
            'ul.alerts',
            { 'aria-label': 'Alerts' },
            alerts.map((a) =>
              h(
                'li',
                { class: a.readAt ? 'alert' : 'alert unread' },
                h('span.pill.bad', null, a.kind.replace(/_/g, ' ')),
                h(
                  'div',
                  null,
                  h('p', null, a.message),
                  h(
                    'small.muted',
                    null,
                    shortTime(a.createdAt),
                    a.lineId ? [' · ', h('a', { href: `#/lines/${a.lineId}` }, `line #${a.lineId}`)] : null,
                  ),
                ),
              ),
            ),
          ),
    ),
    parked.length ? parkedMessages(parked, () => renderAlerts(main)) : null,
  );
}

/**
 * Received messages parked failed after their last attempt, each with a Replay button that puts
 * it back to the inbox worker.
 * @param {any[]} rows @param {() => Promise<void>} reload
 */
function parkedMessages(rows, reload) {
  const status = statusLine();
  /** @param {number} id */
  const replay = async (id) => {
    try {
      await api('POST', `/api/inbox/failed/${id}/replay`);
      await reload();
    } catch (err) {
      status.fail(err);
    }
  };
  return h(
    'div.card',
    null,
    h('h2', null, `Parked messages (${rows.length})`),
    h('p.muted', null, 'Received messages that failed on every attempt. Replay one once its cause is fixed.'),
    h(
      'table.parked',
      null,
      tableHead('Row', 'Channel', 'Chat', 'Error', ''),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-inbox-id': String(r.id) },
            h('td', null, `#${r.id}`),
            h('td', null, `${connectorLabel(r.connector)} · line ${r.line}`),
            h('td', null, h('bdi', null, r.chatId)),
            h('td.error-text', null, r.lastError ?? ''),
            h(
              'td',
              null,
              h(
                'button.secondary',
                { type: 'button', 'data-action': 'replay', onclick: () => void replay(r.id) },
                'Replay',
              ),
            ),
          ),
        ),
      ),
    ),
    status.el,
  );
}
