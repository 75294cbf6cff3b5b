// Forms whose validation is the API's: the form sends what the person typed, and the
// problem+json answer's errors ({field, message}) are shown beside the fields they name.
import { h, uid } from './dom.js';
import { ApiError } from './api.js';

/**
 * A field: {name, label, type: text|textarea|select|checkbox|number|list|password, value,
 * options: [{value, label}], help, placeholder}. A "list" is typed comma-separated and sent as
 * an array of strings.
 */
function control(field) {
  const id = uid(`f-${field.name}`);
  const errorId = `${id}-error`;
  const helpId = field.help ? `${id}-help` : null;
  const described = [helpId, errorId].filter(Boolean).join(' ');
  const common = { id, name: field.name, 'aria-describedby': described };
  let input;
  if (field.type === 'textarea') {
    input = h('textarea', { ...common, rows: 3, placeholder: field.placeholder }, field.value ?? '');
  } else if (field.type === 'select') {
    input = h('select', common, field.options.map((o) =>
      h('option', { value: o.value, selected: String(o.value) === String(field.value ?? '') }, o.label)));
  } else if (field.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: Boolean(field.value) });
  } else {
    input = h('input', {
      ...common,
      type: field.type === 'password' ? 'password' : 'text',
      inputmode: field.type === 'number' ? 'decimal' : field.inputmode,
      value: field.type === 'list' ? (field.value ?? []).join(', ') : field.value ?? '',
      placeholder: field.placeholder,
      autocomplete: 'off',
      spellcheck: 'false',
    });
  }
  const label = h('label', { for: id }, field.label, field.optional ? h('span', { class: 'muted' }, ' (optional)') : null);
  const wrapper = h('div', { class: `field ${field.type === 'checkbox' ? 'check' : ''}`, dataset: { field: field.name } },
    field.type === 'checkbox' ? [input, label] : [label, input],
    field.help ? h('p', { class: 'help', id: helpId }, field.help) : null,
    h('p', { class: 'field-error', id: errorId }));
  return { field, input, wrapper };
}

function read({ field, input }) {
  if (field.type === 'checkbox') return input.checked;
  const text = input.value.trim();
  if (field.type === 'list') return text ? text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean) : undefined;
  if (field.type === 'number') return text === '' ? undefined : Number.isNaN(Number(text)) ? text : Number(text);
  return text === '' ? undefined : text;
}

/**
 * A form: {title, fields, submit, onSubmit(values) -> Promise, onCancel}. While onSubmit runs the
 * button is busy; an ApiError it throws is shown field by field, the rest above the buttons.
 */
export function form({ title, fields, submit, onSubmit, onCancel }) {
  const controls = fields.map(control);
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'button primary' }, submit);
  const el = h('form', { class: 'card form', novalidate: true, 'aria-label': title },
    h('h3', {}, title),
    h('div', { class: 'form-grid' }, controls.map((c) => c.wrapper)),
    alert,
    h('div', { class: 'actions' },
      onCancel ? h('button', { type: 'button', class: 'button ghost', onclick: onCancel }, 'Cancel') : null,
      button));

  function clear() {
    alert.hidden = true;
    alert.replaceChildren();
    for (const c of controls) {
      c.wrapper.classList.remove('invalid');
      c.input.removeAttribute('aria-invalid');
      c.wrapper.querySelector('.field-error').textContent = '';
    }
  }

  /** Puts each error beside its field (api field "retry_schedule[0]" belongs to "retry_schedule"). */
  function show(error) {
    const unplaced = [];
    let first = null;
    for (const e of error.errors) {
      const name = String(e.field ?? '').replace(/^sub\./, '');
      const c = controls.find((x) => x.field.name === name) ??
        controls.find((x) => name.startsWith(`${x.field.name}[`) || name.startsWith(`${x.field.name}.`));
      if (!c) {
        unplaced.push(e.field ? `${e.field}: ${e.message}` : e.message);
        continue;
      }
      const message = c.wrapper.querySelector('.field-error');
      message.textContent = message.textContent ? `${message.textContent}; ${e.message}` : e.message;
      c.wrapper.classList.add('invalid');
      c.input.setAttribute('aria-invalid', 'true');
      first ??= c.input;
    }
    if (!error.errors.length) unplaced.push(error.message);
    if (unplaced.length) {
      alert.hidden = false;
      alert.replaceChildren(...unplaced.map((text) => h('p', {}, text)));
    }
    (first ?? alert).focus?.();
  }

  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const values = {};
    for (const c of controls) {
      const value = read(c);
      if (value !== undefined) values[c.field.name] = value;
    }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      show(error);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  el.focusFirst = () => controls[0]?.input.focus();
  return el;
}

/** The fields of {@code values} that differ from {@code original}: what a PATCH should send. */
export function changed(original, values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (JSON.stringify(v) !== JSON.stringify(original[k])) out[k] = v;
  }
  return out;
}
