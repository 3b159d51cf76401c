import { api } from './api.js';
import { field, formFoot, h, mount, statusLine } from './dom.js';

/**
 * Admin: a line's quick answers (saved replies operators pick in the inbox), to add and remove.
 * @param {HTMLElement} card @param {number} lineId
 */
export async function drawQuickAnswers(card, lineId) {
  const path = `/api/lines/${lineId}/quick-answers`;
  const answers = /** @type {any[]} */ (await api('GET', path));
  const status = statusLine();
  /** @param {() => Promise<unknown>} action */
  const run = async (action) => {
    try {
      await action();
      await drawQuickAnswers(card, lineId);
    } catch (err) {
      status.fail(err);
    }
  };
  const title = /** @type {HTMLInputElement} */ (
    h('input', { name: 'title', required: true, maxlength: 200, placeholder: 'e.g. Greeting' })
  );
  const text = /** @type {HTMLTextAreaElement} */ (
    h('textarea', {
      name: 'text',
      required: true,
      rows: 3,
      maxlength: 10000,
      placeholder: 'Good day! How can I help?',
    })
  );
  mount(
    card,
    h('h2', null, 'Quick answers'),
    h('p.muted', null, 'Saved replies that operators of this line insert with one click.'),
    answers.length === 0
      ? h('p.muted', null, 'None yet.')
      : h(
          'ul.quick-answers',
          { 'aria-label': 'Quick answers' },
          answers.map((a) =>
            h(
              'li',
              { 'data-quick-answer': String(a.id) },
              h('div', null, h('strong', null, a.title), h('p', null, a.text)),
              h(
                'button.secondary',
                {
                  type: 'button',
                  'data-action': 'delete-quick-answer',
                  onclick: () => void run(() => api('DELETE', `${path}/${a.id}`)),
                },
                'Delete',
              ),
            ),
          ),
        ),
    h(
      'form.quick-answer',
      {
        onsubmit: (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          void run(() => api('POST', path, { title: title.value, text: text.value }));
        },
      },
      h('div.grid', null, field('Title', title), field('Text', text)),
      formFoot(status, 'Add quick answer'),
    ),
  );
}
