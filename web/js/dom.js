/**
 * A tiny element builder. Text always goes in as text nodes (never innerHTML), so whatever a
 * customer wrote stays inert.
 *
 * @param {string} tag  e.g. "div.card#main"
 * @param {Record<string, unknown> | null} [attrs]  attributes; "on*" keys add listeners
 * @param {...(Node | string | number | null | undefined | false | Array<Node | string | null | undefined | false>)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || 'div');
  for (const part of rest) {
    if (part.startsWith('.')) el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'value' && 'value' in el) {
      /** @type {HTMLInputElement} */ (el).value = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** @param {Node} el @param {unknown[]} children */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the content of `el`. @param {Element} el @param {...unknown} children */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** "14:05" today, "Mon 14:05" this week, else a date. @param {string} iso */
export function shortTime(iso) {
  const d = new Date(iso);
  const now = new Date();
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  if (now.getTime() - d.getTime() < 6 * 86400_000) {
    return `${d.toLocaleDateString([], { weekday: 'short' })} ${time}`;
  }
  return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
}

/** @param {string} name */
export function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** A stable pleasant hue for an avatar. @param {string} key */
export function hue(key) {
  let n = 0;
  for (const ch of key) n = (n * 31 + ch.charCodeAt(0)) % 360;
  return n;
}

/** A table's head row of these column labels (an empty label for a column of buttons). @param {...string} labels */
export function tableHead(...labels) {
  return h(
    'thead',
    null,
    h(
      'tr',
      null,
      labels.map((label) => h('th', null, label || null)),
    ),
  );
}

/** The words of a caught error, for the page. @param {unknown} err */
export function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

/** A labelled form field around `input`. @param {string} label @param {HTMLElement} input */
export function field(label, input) {
  return h('label.field', null, h('span', null, label), input);
}

/** A form's status line: `ok` says what worked, `fail` shows what went wrong. */
export function statusLine() {
  const el = h('p.form-message', { role: 'status' });
  return {
    el,
    /** @param {string} text */
    ok: (text) => {
      el.className = 'form-message';
      el.textContent = text;
    },
    /** @param {unknown} err an error or the words to show */
    fail: (err) => {
      el.className = 'form-message form-error';
      el.textContent = errorText(err);
    },
  };
}

/** A form's foot: its status line and the submit button. @param {{el: HTMLElement}} status @param {string} label */
export function formFoot(status, label) {
  return h('div.form-foot', null, status.el, h('button.primary', { type: 'submit' }, label));
}
