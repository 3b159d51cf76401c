import { api } from './api.js';
import { errorText, h, mount } from './dom.js';

const STEP_LABELS = /** @type {Record<string, string>} */ ({
  saveSettings: 'Save settings',
  testConnect: 'Test the connection',
  register: 'Register the webhook',
  unregister: 'Unregister',
});
const STEPS = ['saveSettings', 'testConnect', 'register'];

/**
 * Admin: connect a channel to a line in three steps: choose the channel, enter its parameters,
 * then the portal runs saveSettings, testConnect and register on the connector server and the
 * page shows each step's outcome.
 *
 * @param {HTMLElement} main
 * @param {number} lineId
 * @param {string | undefined} chosen
 */
export async function renderWizard(main, lineId, chosen) {
  const [lines, types] = /** @type {[any[], any[]]} */ (
    await Promise.all([api('GET', '/api/lines'), api('GET', '/api/connectors')])
  );
  const line = lines.find((l) => l.id === lineId);
  if (!line) {
    mount(main, h('p.form-error', null, `Line ${lineId} does not exist.`));
    return;
  }
  const type = types.find((t) => t.id === chosen);
  const stage = !type ? 1 : 2;
  const body = h('div.card.wizard');
  mount(
    main,
    h(
      'p.crumbs',
      null,
      h('a', { href: '#/lines' }, 'Lines'),
      ' / ',
      h('a', { href: `#/lines/${lineId}` }, line.name),
      ' / Connect a channel',
    ),
    h('div.page-head', null, h('h1', null, `Connect a channel to ${line.name}`)),
    stepper(stage),
    body,
  );
  if (!type) {
    mount(
      body,
      h('h2', null, 'Choose a channel'),
      h(
        'div.choices',
        null,
        types.map((t) =>
          h(
            'a.choice',
            { href: `#/lines/${lineId}/connect/${t.id}`, 'data-connector': t.id },
            h(`span.choice-icon.icon-${t.id}`, null, t.name.slice(0, 1)),
            h('strong', null, t.name),
            h('span.muted', null, t.description),
          ),
        ),
      ),
    );
    return;
  }
  drawParams(main, body, lineId, type);
}

/** @param {number} active */
function stepper(active) {
  const names = ['Channel', 'Parameters', 'Connect'];
  return h(
    'ol.stepper',
    null,
    names.map((n, i) =>
      h(
        'li',
        { class: i + 1 < active ? 'done' : i + 1 === active ? 'current' : '' },
        h('span.num', null, String(i + 1)),
        n,
      ),
    ),
  );
}

/** @param {HTMLElement} main @param {HTMLElement} body @param {number} lineId @param {any} type */
function drawParams(main, body, lineId, type) {
  /** @type {Map<string, HTMLInputElement>} */
  const inputs = new Map();
  const fields = type.params.map((/** @type {any} */ p) => {
    const input = /** @type {HTMLInputElement} */ (
      h('input', {
        name: p.name,
        type: p.secret ? 'password' : 'text',
        required: p.required,
        autocomplete: 'off',
        placeholder: p.hint ?? '',
      })
    );
    inputs.set(p.name, input);
    return h(
      'label.field',
      null,
      h('span', null, p.label, p.required ? '' : h('small.muted', null, ' (optional)')),
      input,
    );
  });
  const results = h('ol.results', { 'aria-label': 'Steps' });
  const submit = h('button.primary', { type: 'submit' }, 'Connect');
  const form = h(
    'form.params',
    {
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        /** @type {Record<string, string>} */
        const params = {};
        for (const [name, input] of inputs) if (input.value !== '') params[name] = input.value;
        submit.setAttribute('disabled', '');
        main.querySelector('.stepper')?.replaceWith(stepper(3));
        mount(
          results,
          STEPS.map((s) => stepRow(s, 'waiting')),
        );
        results.firstElementChild?.replaceWith(stepRow(STEPS[0], 'running'));
        try {
          const res = /** @type {any} */ (
            await api('POST', `/api/lines/${lineId}/connectors/${type.id}/setup`, { params })
          );
          if (res.ok) main.querySelector('.stepper')?.replaceWith(stepper(4));
          mount(
            results,
            STEPS.map((s) => {
              const step = res.steps.find((/** @type {any} */ x) => x.step === s);
              return step ? stepRow(s, step.ok ? 'ok' : 'failed', step) : stepRow(s, 'skipped');
            }),
            res.ok
              ? h(
                  'li.outcome.good',
                  { 'data-outcome': 'connected' },
                  `${type.name} is connected to this line.`,
                  ' ',
                  h('a', { href: `#/lines/${lineId}` }, 'Back to the line'),
                )
              : h(
                  'li.outcome.bad',
                  { 'data-outcome': 'failed' },
                  'The channel is not connected. Check the parameters and try again.',
                ),
          );
        } catch (err) {
          mount(results, h('li.outcome.bad', { 'data-outcome': 'failed' }, errorText(err)));
        } finally {
          submit.removeAttribute('disabled');
        }
      },
    },
    h('h2', null, type.name),
    h('p.muted', null, type.description),
    fields.length ? fields : h('p.muted', null, 'This channel needs no parameters.'),
    h('div.form-foot', null, h('a.button.secondary', { href: `#/lines/${lineId}/connect` }, 'Back'), submit),
  );
  mount(body, form, results);
  inputs.values().next().value?.focus();
}

/**
 * @param {string} step
 * @param {'waiting' | 'running' | 'ok' | 'failed' | 'skipped'} state
 * @param {any} [result]
 */
function stepRow(step, state, result) {
  const icon = { waiting: '○', running: '◌', ok: '✓', failed: '✕', skipped: '–' }[state];
  /** @type {(string | HTMLElement)[]} */
  const detail = [];
  if (state === 'failed' && result?.error)
    detail.push(h('code', null, result.error.code), ' ', result.error.message);
  if (state === 'ok' && result?.data && typeof result.data === 'object') {
    const shown = Object.entries(result.data).filter(
      ([k, v]) => k !== 'result' && (typeof v === 'string' || typeof v === 'number'),
    );
    if (shown.length) detail.push(shown.map(([k, v]) => `${k}: ${v}`).join(' · '));
    else if (result.data.result) detail.push(String(result.data.result));
  }
  if (state === 'skipped') detail.push('not run');
  return h(
    `li.step.${state}`,
    { 'data-step': step, 'data-state': state },
    h('span.step-icon', null, icon),
    h(
      'div',
      null,
      h('strong', null, STEP_LABELS[step] ?? step),
      detail.length ? h('p.step-detail', null, ...detail) : null,
    ),
  );
}
