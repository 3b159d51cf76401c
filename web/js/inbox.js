import { api, session } from './api.js';
import { errorText, h, hue, initials, mount, shortTime } from './dom.js';
import { LiveUpdates } from './live.js';
import { inertText, plainText, renderMarkup } from './markup.js';
import { ops, optional } from './ops.js';

const CONNECTOR_NAMES = /** @type {Record<string, string>} */ ({
  telegrambot: 'Telegram',
  botframework: 'Bot Framework',
  livechat: 'Live chat',
});

/** @param {string} id e.g. "botframework.msteams" */
export function connectorLabel(id) {
  const [real, channel] = id.split('.');
  const name = CONNECTOR_NAMES[real] ?? real;
  return channel ? `${name} · ${channel}` : name;
}

const STATUS_LABELS = /** @type {Record<string, string>} */ ({
  pending: 'Sending…',
  queued: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
});
const STATUS_MARKS = /** @type {Record<string, string>} */ ({
  pending: '◷',
  queued: '◷',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!',
});

/**
 * The operator inbox: the line's chats on the left, the open conversation in the middle, the
 * customer on the right. Live from the event stream, or polling when the portal has none.
 *
 * @param {HTMLElement} main
 * @param {{id: number, role: string}} user
 * @param {string | undefined} lineParam
 * @param {number | undefined} chatParam
 */
export function renderInbox(main, user, lineParam, chatParam) {
  const state = {
    /** @type {any[]} */ lines: [],
    /** @type {string | undefined} */ lineId: lineParam,
    /** @type {any[]} */ chats: [],
    /** @type {number | undefined} */ chatId: chatParam,
    /** @type {any[]} */ messages: [],
    /** @type {any} */ session: null,
    /** The newest session of each chat of the line. @type {Map<number, any>} */ sessions: new Map(),
    /** Queue position of each waiting session. @type {Map<number, number>} */ positions: new Map(),
    /** @type {any[]} */ quickAnswers: [],
    /** Colleagues with their presence (GET /api/operators). @type {any[]} */ users: [],
    /** The session whose history panel is open, kept across redraws. @type {number | undefined} */
    historyOpen: undefined,
    /** @type {string} */ notice: '',
    /** The operator message being edited, and its draft. @type {number | null} */ editing: null,
    editDraft: '',
    /** Uploaded files waiting to go out with the next reply. @type {{id: string, name: string}[]} */
    attachments: [],
    replyMissing: false,
    sending: false,
  };
  const lineSelect = h('select.line-select', {
    'aria-label': 'Line',
    onchange: () => {
      location.hash = `#/inbox/${/** @type {HTMLSelectElement} */ (lineSelect).value}`;
    },
  });
  const liveBadge = h('span.live', { title: 'Updates' }, '');
  const chatList = h('ul.chat-list', { 'aria-label': 'Chats' });
  const conversation = h('section.conversation');
  const customer = h('aside.customer');
  mount(
    main,
    h(
      'div.inbox',
      null,
      h('section.chats', null, h('div.chats-head', null, lineSelect, liveBadge), chatList),
      conversation,
      customer,
    ),
  );
  main.classList.add('full');

  const chat = () => state.chats.find((c) => c.id === state.chatId);
  /** @param {number} id */
  const operatorName = (id) => {
    if (id === user.id) return 'You';
    const u = state.users.find((x) => x.id === id);
    return u ? u.name : `#${id}`;
  };

  async function loadLines() {
    state.lines = await api('GET', '/api/lines');
    if (!state.lineId && state.lines[0]) state.lineId = String(state.lines[0].id);
    mount(
      lineSelect,
      state.lines.map((l) =>
        h('option', { value: String(l.id), selected: String(l.id) === state.lineId }, l.name),
      ),
    );
  }

  async function loadChats() {
    if (!state.lineId) return;
    const lineId = state.lineId;
    const [chats, sessions, queue] = await Promise.all([
      api('GET', `/api/chats?line=${encodeURIComponent(lineId)}&limit=100`),
      optional(() => ops.sessions(lineId)).catch(() => 'missing'),
      optional(() => ops.queue(lineId)).catch(() => 'missing'),
    ]);
    state.chats = /** @type {any[]} */ (chats);
    state.sessions = new Map();
    // Newest first: the first session seen of a chat is its current one.
    if (Array.isArray(sessions))
      for (const x of sessions) if (!state.sessions.has(x.chatId)) state.sessions.set(x.chatId, x);
    state.positions = new Map(Array.isArray(queue) ? queue.map((q) => [q.session.id, q.position]) : []);
    drawChats();
  }

  async function loadConversation() {
    if (state.chatId === undefined) return;
    const id = state.chatId;
    const messages = await api('GET', `/api/chats/${id}/messages?limit=200`);
    if (id !== state.chatId) return;
    state.messages = /** @type {any[]} */ (messages);
    state.session = state.sessions.get(id) ?? null;
    drawConversation();
    markRead();
  }

  let lastMarked = 0;
  function markRead() {
    const lastIn = [...state.messages].reverse().find((m) => m.direction === 'in');
    if (!lastIn || lastIn.id <= lastMarked || state.chatId === undefined) return;
    lastMarked = lastIn.id;
    optional(() => ops.markRead(/** @type {number} */ (state.chatId))).catch(() => {});
  }

  let drawnChats = '';

  function drawChats() {
    const key = JSON.stringify([state.chats, [...state.sessions], state.chatId, state.lines.length]);
    if (key === drawnChats) return;
    drawnChats = key;
    if (state.chats.length === 0) {
      mount(
        chatList,
        h('li.empty', null, state.lines.length ? 'No conversations on this line yet' : 'No lines yet'),
      );
      return;
    }
    mount(
      chatList,
      state.chats.map((c) => {
        const name = customerName(c);
        const last = c.lastMessage;
        const unread =
          typeof c.unread === 'number' ? c.unread : typeof c.unreadCount === 'number' ? c.unreadCount : null;
        const waiting = unread === null ? last?.direction === 'in' : unread > 0;
        const status = state.sessions.get(c.id)?.status;
        return h(
          'li',
          { class: c.id === state.chatId ? 'chat-item active' : 'chat-item', 'data-chat-id': String(c.id) },
          h(
            'a',
            { href: `#/inbox/${state.lineId}/${c.id}` },
            avatar(name),
            h(
              'div.chat-main',
              null,
              h(
                'div.chat-top',
                null,
                h('bdi.chat-name', null, ...inertText(name)),
                h('time', null, last ? shortTime(last.createdAt) : ''),
              ),
              h(
                'div.chat-bottom',
                null,
                h(
                  'span.preview',
                  { dir: 'auto' },
                  last?.direction === 'out'
                    ? h('span.you', { title: 'Answered from this line' }, '↩ ')
                    : null,
                  last ? plainText(last.text) || '(attachment)' : 'No messages',
                ),
                unread
                  ? h('span.unread', { title: 'Unread' }, String(unread))
                  : waiting
                    ? h('span.dot', { title: 'Awaiting reply' })
                    : null,
              ),
              h(
                'div.chat-tags',
                null,
                h('span.tag', null, connectorLabel(c.connector)),
                status ? h(`span.tag.status-${status}`, null, status) : null,
              ),
            ),
          ),
        );
      }),
    );
  }

  /** The reply box of the open chat: kept across redraws so live updates never wipe a draft. */
  let reply =
    /** @type {{chatId: number, form: HTMLElement, text: HTMLTextAreaElement, error: HTMLElement, send: HTMLElement} | null} */ (
      null
    );

  /** @param {any} c */
  function replyBox(c) {
    if (reply?.chatId !== c.id) {
      const text = /** @type {HTMLTextAreaElement} */ (
        h('textarea', {
          name: 'reply',
          rows: 3,
          placeholder: 'Write a reply…  (Enter to send, Shift+Enter for a new line)',
          'aria-label': 'Reply',
        })
      );
      const error = h('p.form-error', { role: 'alert' });
      const send = h('button.primary', { type: 'submit' }, 'Send');
      const quick = h('select.quick', { 'aria-label': 'Quick answers' });
      const picker = /** @type {HTMLInputElement} */ (
        h('input.hidden', { type: 'file', multiple: true, name: 'attach', 'aria-label': 'Attach files' })
      );
      picker.addEventListener('change', () => {
        if (picker.files) void attach(picker.files, error).then(() => (picker.value = ''));
      });
      const clip = h(
        'button.secondary',
        {
          type: 'button',
          title: 'Attach files',
          'aria-label': 'Attach files',
          onclick: () => picker.click(),
        },
        '📎',
      );
      quick.addEventListener('change', () => {
        const answer = state.quickAnswers.find(
          (q) => String(q.id) === /** @type {HTMLSelectElement} */ (quick).value,
        );
        if (answer) text.value = text.value ? `${text.value}\n${answer.text}` : answer.text;
        /** @type {HTMLSelectElement} */ (quick).value = '';
        text.focus();
      });
      const form = h(
        'form.reply',
        {
          onsubmit: (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            void sendReply(text, error);
          },
        },
        text,
        h('div.attachments'),
        h('div.reply-actions', null, error, h('div.reply-buttons', null, picker, clip, quick, send)),
      );
      text.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          form.requestSubmit();
        }
      });
      reply = { chatId: c.id, form, text, error, send };
    }
    const quick = /** @type {HTMLSelectElement} */ (reply.form.querySelector('select.quick'));
    if (quick.options.length !== state.quickAnswers.length + 1) {
      mount(
        quick,
        h('option', { value: '' }, 'Quick answers…'),
        state.quickAnswers.map((q) => h('option', { value: String(q.id) }, q.title)),
      );
    }
    quick.classList.toggle('hidden', state.quickAnswers.length === 0);
    const blocked = state.replyMissing || c.blocked;
    reply.text.toggleAttribute('disabled', blocked);
    reply.send.toggleAttribute('disabled', blocked);
    if (blocked) {
      reply.error.textContent = c.blocked
        ? 'The customer blocked the bot: replies cannot be delivered.'
        : 'Replies are not available on this portal yet.';
    }
    return reply.form;
  }

  /** What the open conversation was last drawn from: an unchanged refresh redraws nothing (no lost clicks). */
  let drawnConversation = '';

  function drawConversation() {
    const c = chat();
    const key = JSON.stringify([
      c,
      state.messages,
      state.session,
      state.notice,
      state.positions.get(state.session?.id),
      state.quickAnswers.length,
      state.users.length,
      state.replyMissing,
      state.editing,
    ]);
    if (key === drawnConversation) return;
    drawnConversation = key;
    if (!c) {
      mount(conversation, h('div.placeholder', null, h('p', null, 'Select a conversation')));
      mount(customer);
      return;
    }
    const previous = conversation.querySelector('ol.messages');
    const atBottom = !previous || previous.scrollHeight - previous.scrollTop - previous.clientHeight < 40;
    const scrollTop = previous?.scrollTop ?? 0;
    const log = h(
      'ol.messages',
      { 'aria-label': 'Messages' },
      state.messages.map((m) => messageItem(m)),
    );
    const form = replyBox(c);
    const hadFocus = document.activeElement === reply?.text;
    mount(
      conversation,
      h(
        'header.conv-head',
        null,
        avatar(customerName(c)),
        h(
          'div.conv-title',
          null,
          h('h2', { dir: 'auto' }, ...inertText(customerName(c))),
          h(
            'span.muted',
            null,
            connectorLabel(c.connector),
            c.name ? [' · ', h('bdi', null, ...inertText(c.name))] : '',
          ),
        ),
        sessionActions(),
      ),
      state.notice ? h('p.notice', { role: 'alert' }, state.notice) : null,
      log,
      form,
    );
    // Follow new messages only when the operator was already at the end of the log.
    log.scrollTop = atBottom ? log.scrollHeight : scrollTop;
    if (hadFocus) reply?.text.focus();
    drawCustomer(c);
  }

  /** Accept, skip, transfer and close, as far as the session's state and the caller allow. */
  function sessionActions() {
    const bar = h('div.actions');
    const s = state.session;
    if (!s) return bar;
    const mine = s.operatorId === user.id;
    const act = (
      /** @type {'accept' | 'skip' | 'close'} */ action,
      /** @type {string} */ label,
      cls = 'secondary',
    ) =>
      h(
        `button.${cls}`,
        {
          type: 'button',
          'data-action': action,
          onclick: () => void run(() => ops.act(s.id, action)),
        },
        label,
      );
    bar.appendChild(h(`span.tag.status-${s.status}`, { 'data-session-status': s.status }, s.status));
    if (s.status === 'assigned' && mine && !s.acceptedAt) {
      bar.appendChild(act('accept', 'Accept', 'primary'));
      bar.appendChild(act('skip', 'Skip'));
    }
    if (s.status !== 'closed' && (mine || user.role === 'admin')) {
      bar.appendChild(transferControl(s));
      bar.appendChild(act('close', 'Close'));
    }
    return bar;
  }

  /** Runs an operator action, then shows its error or the refreshed state. @param {() => Promise<unknown>} fn */
  async function run(fn) {
    state.notice = '';
    try {
      await fn();
    } catch (err) {
      state.notice = errorText(err);
    }
    await refresh().catch(() => {});
    drawConversation();
  }

  /** @param {any} s */
  function transferControl(s) {
    const others = state.lines.filter((l) => String(l.id) !== state.lineId);
    const operators = state.users.filter((u) => u.id !== user.id);
    const select = /** @type {HTMLSelectElement} */ (
      h(
        'select.transfer-to',
        { 'aria-label': 'Transfer to' },
        h('option', { value: '' }, 'Transfer to…'),
        others.length
          ? h(
              'optgroup',
              { label: 'Line' },
              others.map((l) => h('option', { value: `line:${l.id}` }, l.name)),
            )
          : null,
        operators.length
          ? h(
              'optgroup',
              { label: 'Operator' },
              operators.map((u) => h('option', { value: `op:${u.id}` }, `${u.name} (${u.status})`)),
            )
          : null,
      )
    );
    select.addEventListener('change', () => {
      const [kind, id] = select.value.split(':');
      if (!id) return;
      const to = kind === 'op' ? { toOperatorId: Number(id) } : { toLineId: Number(id) };
      void run(() => ops.transfer(s.id, to));
    });
    return select;
  }

  /** @param {any} m */
  function messageItem(m) {
    const out = m.direction === 'out';
    const body = m.deletedAt
      ? h('p.deleted', null, 'Message deleted')
      : h('div.text', { dir: 'auto' }, ...renderMarkup(m.text));
    const files = (m.files ?? []).map((/** @type {any} */ f) => fileLink(f));
    const status = out
      ? h(
          `span.status.status-${m.status}`,
          { 'data-status': m.status, title: m.error ?? STATUS_LABELS[m.status] ?? m.status },
          h('span.mark', null, STATUS_MARKS[m.status] ?? ''),
          ' ',
          STATUS_LABELS[m.status] ?? m.status,
        )
      : null;
    const own = out && !m.deletedAt && m.authorId === user.id;
    const tools = own
      ? h(
          'div.msg-tools',
          null,
          h(
            'button.link',
            {
              type: 'button',
              'data-tool': 'edit',
              onclick: () => {
                state.editing = m.id;
                state.editDraft = m.text;
                drawConversation();
              },
            },
            'Edit',
          ),
          h(
            'button.link',
            {
              type: 'button',
              'data-tool': 'delete',
              onclick: () => {
                if (confirm('Delete this message here and on the channel?')) void run(() => ops.remove(m.id));
              },
            },
            'Delete',
          ),
        )
      : null;
    const failed =
      out && m.status === 'failed'
        ? h(
            'div.failed',
            null,
            m.error ? h('span', null, m.error) : null,
            h(
              'button.link',
              {
                type: 'button',
                onclick: async () => {
                  try {
                    await ops.resend(m.id);
                    await loadConversation();
                  } catch (err) {
                    alert(errorText(err));
                  }
                },
              },
              'Resend',
            ),
          )
        : null;
    return h(
      'li',
      { class: out ? 'msg out' : 'msg in', 'data-message-id': String(m.id) },
      h(
        'div.bubble',
        null,
        own && state.editing === m.id ? editBox(m) : body,
        files.length ? h('div.files', null, files) : null,
        h(
          'div.meta',
          null,
          state.editing === m.id ? null : tools,
          out ? h('span.author', null, m.authorId === null ? 'Automatic' : operatorName(m.authorId)) : null,
          h('time', null, shortTime(m.createdAt)),
          status,
        ),
      ),
      failed,
    );
  }

  /** Inline editing of an operator's message; the edit goes out to the channel. @param {any} m */
  function editBox(m) {
    const text = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { name: 'edit', rows: 3, 'aria-label': 'Edit message' }, state.editDraft)
    );
    text.addEventListener('input', () => {
      state.editDraft = text.value;
    });
    const close = () => {
      state.editing = null;
      drawConversation();
    };
    return h(
      'form.edit',
      {
        onsubmit: (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          const value = text.value.trim();
          if (!value) return;
          state.editing = null;
          void run(() => ops.edit(m.id, value));
        },
      },
      text,
      h(
        'div.edit-actions',
        null,
        h('button.secondary', { type: 'button', onclick: close }, 'Cancel'),
        h('button.primary', { type: 'submit' }, 'Save'),
      ),
    );
  }

  /** @param {any} c */
  function drawCustomer(c) {
    const s = state.session;
    /** @type {[string, unknown][]} */
    const rows = [
      ['Channel', connectorLabel(c.connector)],
      ['Chat', c.name ? h('bdi', null, ...inertText(c.name)) : null],
      ['External id', c.externalChatId],
      ['First contact', c.createdAt ? longTime(c.createdAt) : null],
      ['Last activity', c.updatedAt ? longTime(c.updatedAt) : null],
      ['Session', s ? `#${s.id} · ${s.status}` : null],
      ['Operator', s?.operatorId ? operatorName(s.operatorId) : null],
      ['Queue position', s ? (state.positions.get(s.id) ?? null) : null],
      ['Rating', s?.rating === 1 ? 'helpful' : s?.rating === 0 ? 'not helpful' : null],
    ];
    mount(
      customer,
      h(
        'div.customer-card',
        null,
        avatar(customerName(c), 'big'),
        h('h3', { dir: 'auto' }, ...inertText(customerName(c))),
        c.blocked ? h('span.tag.status-failed', null, 'blocked the bot') : null,
      ),
      c.description ? h('div.description', { dir: 'auto' }, ...renderMarkup(c.description)) : null,
      h(
        'dl',
        null,
        rows
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => [h('dt', null, k), h('dd', null, v instanceof Node ? v : String(v))]),
      ),
      s ? sessionHistory(s) : null,
    );
  }

  /**
   * The session's status changes and routing decisions with their reasons ("why here"), in time
   * order; loaded when the panel is opened, and again on each redraw while it stays open.
   * @param {any} s
   */
  function sessionHistory(s) {
    const list = h('ol.history');
    const details = /** @type {HTMLDetailsElement} */ (
      h('details.session-history', null, h('summary', null, 'History and routing'), list)
    );
    const load = async () => {
      try {
        const { history, decisions } = await ops.history(s.id);
        /** @type {{at: string, text: string, kind: string}[]} */
        const entries = [
          ...history.map((/** @type {any} */ x) => ({
            at: x.at,
            kind: 'status',
            text: `${x.status}: ${x.note}`,
          })),
          ...decisions.map((/** @type {any} */ d) => ({
            at: d.at,
            kind: 'decision',
            text: `${d.outcome}${d.operatorId ? ` → ${operatorName(d.operatorId)}` : ''}: ${d.reason}`,
          })),
        ].sort((a, b) => a.at.localeCompare(b.at));
        mount(
          list,
          entries.map((e) =>
            h(`li.${e.kind}`, null, h('time', { datetime: e.at }, shortTime(e.at)), ' ', e.text),
          ),
        );
      } catch (err) {
        mount(list, h('li.form-error', null, errorText(err)));
      }
    };
    details.open = state.historyOpen === s.id;
    if (details.open) void load();
    details.addEventListener('toggle', () => {
      state.historyOpen = details.open ? s.id : undefined;
      if (details.open) void load();
    });
    return details;
  }

  /** @param {HTMLTextAreaElement} text @param {HTMLElement} errorEl */
  async function sendReply(text, errorEl) {
    const value = text.value.trim();
    const fileIds = state.attachments.map((a) => a.id);
    if ((!value && fileIds.length === 0) || state.sending || state.chatId === undefined) return;
    state.sending = true;
    errorEl.textContent = '';
    try {
      const result = await optional(() => ops.reply(/** @type {number} */ (state.chatId), value, fileIds));
      if (result === 'missing') {
        state.replyMissing = true;
        drawConversation();
        return;
      }
      text.value = '';
      state.attachments = [];
      drawAttachments();
      await refresh();
    } catch (err) {
      errorEl.textContent = errorText(err);
    } finally {
      state.sending = false;
    }
  }

  /** Shows the files waiting to go out with the reply. */
  function drawAttachments() {
    const list = reply?.form.querySelector('.attachments');
    if (!list) return;
    mount(
      list,
      state.attachments.map((a) =>
        h(
          'span.chip',
          { 'data-file-id': a.id },
          `📎 ${a.name}`,
          h(
            'button.link',
            {
              type: 'button',
              'aria-label': `Remove ${a.name}`,
              onclick: () => {
                state.attachments = state.attachments.filter((x) => x !== a);
                drawAttachments();
              },
            },
            '×',
          ),
        ),
      ),
    );
  }

  /** Uploads the chosen files; each becomes an attachment of the next reply. @param {FileList} files @param {HTMLElement} errorEl */
  async function attach(files, errorEl) {
    errorEl.textContent = '';
    for (const file of files) {
      try {
        const stored = /** @type {any} */ (await ops.upload(file));
        state.attachments.push({ id: stored.id, name: stored.name });
        drawAttachments();
      } catch (err) {
        errorEl.textContent = `${file.name}: ${errorText(err)}`;
      }
    }
  }

  /** Refreshes run one after another, so an older answer never overwrites a newer one. */
  let refreshing = Promise.resolve();
  let queued = false;

  /** Reloads the chat list (with the sessions), then the open conversation, which reads them. */
  function refresh() {
    const run = async () => {
      queued = false;
      await loadChats();
      await loadConversation();
    };
    refreshing = refreshing.then(run, run);
    return refreshing;
  }

  /** A refresh for a stream event or a poll tick; a burst of them coalesces into one. */
  function refreshSoon() {
    if (queued) return;
    queued = true;
    refresh().catch(() => {
      // The next event or tick tries again.
    });
  }

  const live = new LiveUpdates(
    () => session()?.token ?? null,
    () => refreshSoon(),
    () => refreshSoon(),
  );
  live.onMode = (mode) => {
    liveBadge.textContent =
      mode === 'live' ? '● Live' : mode === 'polling' ? '↻ Auto-refresh' : '○ Reconnecting';
    liveBadge.className = `live ${mode}`;
  };

  void (async () => {
    try {
      await loadLines();
      const lineId = state.lineId;
      const [quick, users] = await Promise.all([
        lineId ? optional(() => ops.quickAnswers(lineId)).catch(() => []) : [],
        // Colleagues with their presence: every operator may transfer to another.
        api('GET', '/api/operators').catch(() => []),
      ]);
      state.quickAnswers = Array.isArray(quick) ? quick : [];
      state.users = /** @type {any[]} */ (users);
      await loadChats();
      drawConversation();
      if (state.chatId !== undefined) await loadConversation();
    } catch (err) {
      mount(conversation, h('p.form-error', null, errorText(err)));
    }
    live.start();
  })();

  return () => {
    live.stop();
    main.classList.remove('full');
  };
}

/** @param {string} iso */
function longTime(iso) {
  return new Date(iso).toLocaleString([], {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** @param {any} c */
function customerName(c) {
  return c.customer?.name || c.name || 'Guest';
}

/** @param {string} name @param {string} [size] */
function avatar(name, size) {
  const el = h('span', { class: size ? `avatar ${size}` : 'avatar', 'aria-hidden': 'true' }, initials(name));
  // A CSSOM property, not a style attribute, which the page's CSP refuses.
  el.style.setProperty('--hue', String(hue(name)));
  return el;
}

/** Files need the bearer token, so they are fetched and shown from a blob. @param {any} f */
function fileLink(f) {
  const link = h(
    'a.file',
    { href: '#', title: `${f.name} (${Math.ceil(f.size / 1024)} KB)` },
    `📎 ${f.name}`,
  );
  const load = async () => {
    const res = await fetch(f.url, { headers: { authorization: `Bearer ${session()?.token ?? ''}` } });
    if (!res.ok) throw new Error(`${res.status}`);
    return URL.createObjectURL(await res.blob());
  };
  if (String(f.mime).startsWith('image/')) {
    const img = h('img.thumb', { alt: f.name });
    load()
      .then((url) => img.setAttribute('src', url))
      .catch(() => img.replaceWith(link));
    link.addEventListener('click', (e) => e.preventDefault());
    return img;
  }
  link.addEventListener('click', async (e) => {
    e.preventDefault();
    const url = await load();
    const a = h('a', { href: url, download: f.name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return link;
}
