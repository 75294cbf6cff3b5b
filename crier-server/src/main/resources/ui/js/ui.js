// Shared pieces of every tab: toasts, the confirmation dialog, badges, tables, the one-time
// secret panel and the row action menu.
import { h, fill } from './dom.js';

/** A short message in the corner, read out by screen readers. */
export function toast(message, kind = 'ok') {
  const region = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

/** Asks before something that cannot be undone; resolves to true when confirmed. */
export function confirmDialog({ title, text, ok = 'Delete' }) {
  const dialog = document.getElementById('confirm');
  fill(dialog.querySelector('#confirm-title'), title);
  fill(dialog.querySelector('#confirm-text'), text);
  fill(dialog.querySelector('#confirm-ok'), ok);
  const opener = document.activeElement;
  dialog.returnValue = 'cancel';
  dialog.showModal();
  dialog.querySelector('#confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
        resolve(dialog.returnValue === 'ok');
      },
      { once: true },
    );
  });
}

const STATUS_TEXT = { active: 'Active', halted: 'Halted', disabled: 'Disabled' };

/** A subscription's state; halted ones are red so they stand out on every tab. */
export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, STATUS_TEXT[status] ?? status);
}

/** "Failing" when the last hour had failed or retrying deliveries. */
export function healthBadge(counts) {
  if (!counts || counts.failed + counts.retrying === 0) return null;
  const parts = [];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.retrying) parts.push(`${counts.retrying} retrying`);
  return h('span', { class: 'badge failing', title: `Last hour: ${parts.join(', ')}` }, `Failing · ${parts.join(', ')}`);
}

/** A delivery's state. */
export function deliveryBadge(status) {
  return h('span', { class: `badge delivery-${status}` }, status);
}

/**
 * A table that becomes stacked cards on a phone: each cell carries its column's label.
 * columns: [{label, cell(item) -> node|string, class}]
 */
export function table({ caption, columns, items, rowClass, empty }) {
  if (!items.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'list' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, items.map((item) =>
        h('tr', { class: rowClass?.(item), dataset: { id: String(item.id ?? item.name) } },
          columns.map((c) => h('td', { class: c.class, dataset: { label: c.label } }, c.cell(item))))))));
}

/**
 * Shows a secret that the API returns once (on creation, rotation, re-roll): masked until
 * revealed, with a copy button. Dismissing it forgets it.
 */
export function secretPanel({ title, label, value, note }) {
  const input = h('input', { type: 'password', readOnly: true, value, class: 'secret-value', 'aria-label': label, spellcheck: 'false' });
  const reveal = h('button', { type: 'button', class: 'button ghost', 'aria-pressed': 'false' }, 'Reveal');
  reveal.addEventListener('click', () => {
    const shown = input.type === 'text';
    input.type = shown ? 'password' : 'text';
    reveal.textContent = shown ? 'Reveal' : 'Hide';
    reveal.setAttribute('aria-pressed', String(!shown));
  });
  const copy = h('button', { type: 'button', class: 'button' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // outside a secure context the Clipboard API is missing: copy the selected text instead
      const type = input.type;
      input.type = 'text';
      input.select();
      document.execCommand('copy');
      input.type = type;
    }
    toast(`${label} copied`);
  });
  const panel = h('div', { class: 'secret card', role: 'region', 'aria-label': title },
    h('h3', {}, title),
    h('p', {}, note ?? 'Copy it now and store it safely: it is shown only this once.'),
    h('div', { class: 'secret-row' }, input, reveal, copy),
    h('button', { type: 'button', class: 'button ghost done', onclick: () => panel.remove() }, 'Done'));
  return panel;
}

// Closes any open action menu when the click lands elsewhere.
document.addEventListener('click', (event) => {
  for (const menu of document.querySelectorAll('details.menu[open]')) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const menu = event.target.closest?.('details.menu[open]');
  if (menu) {
    menu.open = false;
    menu.querySelector('summary').focus();
  }
});

/**
 * A row's actions: the urgent one (resume, enable) as a button, the rest in a menu.
 * actions: [{label, run, primary, danger}]
 */
export function rowActions(label, actions) {
  const button = (a) => h('button', {
    type: 'button',
    class: `button small ${a.danger ? 'danger-text' : ''} ${a.primary ? 'primary' : ''}`,
    onclick: (event) => {
      event.target.closest('details')?.removeAttribute('open');
      a.run();
    },
  }, a.label);
  const primary = actions.filter((a) => a.primary);
  const rest = actions.filter((a) => !a.primary);
  return h('div', { class: 'row-actions' },
    primary.map(button),
    rest.length ? h('details', { class: 'menu' },
      h('summary', { class: 'button small ghost', 'aria-label': `Actions for ${label}` }, 'Actions ▾'),
      h('div', { class: 'menu-items' }, rest.map(button))) : null);
}

/** A labelled key/value list. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A block of text as sent or received: headers and body. */
export function exchange(title, headers, body, status) {
  const lines = Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  // the server stores bytes that are not text (NUL, invalid UTF-8, controls) as \xNN
  const escaped = /\\x[0-9A-F]{2}/.test(`${lines}\n${body ?? ''}`);
  return h('div', { class: 'exchange' },
    h('h5', {}, title, status !== undefined ? h('span', { class: `code ${status >= 200 && status < 300 ? 'ok' : 'bad'}` }, String(status)) : null),
    lines ? h('pre', { class: 'headers' }, lines) : null,
    h('pre', { class: 'body' }, prettyBody(body)),
    escaped ? h('p', { class: 'muted' }, 'Bytes that are not text are shown as \\xNN (NN: the byte in hex).') : null);
}

function prettyBody(body) {
  if (body === null || body === undefined || body === '') return '(empty)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
