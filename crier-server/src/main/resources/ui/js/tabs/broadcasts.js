// Broadcast receivers: "this changed, fetch it" notices, coalesced per subject and sent every
// interval; no retries, only an attempt log.
import { h, fill, when } from '../dom.js';
import { get, post, patch, del } from '../api.js';
import { changed } from '../forms.js';
import { resourceSection } from '../resource.js';
import { state } from '../state.js';
import { exchange } from '../ui.js';
import { statusCell, rowClass, code, toggleAction } from './common.js';

const BASE = '/v1/broadcast-receivers';

function fields(item) {
  const subjects = [...new Set(state.eventTypes.filter((t) => !t.name.startsWith('crier.')).map((t) => t.name.split('.')[0]))];
  return [
    { name: 'name', label: 'Name', value: item?.name, optional: true, placeholder: 'Timer sync' },
    { name: 'url', label: 'Endpoint URL', value: item?.url, inputmode: 'url', placeholder: 'https://example.com/broadcasts/timers' },
    { name: 'subjects', label: 'Subjects', type: 'list', value: item?.subjects, placeholder: 'timer',
      help: `Comma-separated subject types to hear.${subjects.length ? ` Known: ${subjects.join(', ')}.` : ''}` },
    { name: 'interval_seconds', label: 'Interval (seconds)', type: 'number', value: item?.interval_seconds, optional: true, placeholder: '5',
      help: 'How often the subjects that changed are sent (1 to 86400).' },
  ];
}

/** The receiver's last attempts, each with its request and response. */
async function showAttempts(section, receiver) {
  const { items } = await get(`${BASE}/${receiver.id}/attempts?limit=20`);
  const close = h('button', { type: 'button', class: 'button ghost', onclick: () => section.extra.replaceChildren() }, 'Close');
  fill(section.extra, h('div', { class: 'card', role: 'region', 'aria-label': `Attempts of ${receiver.name || receiver.url}` },
    h('div', { class: 'card-head' }, h('h3', {}, `Last attempts of ${receiver.name || receiver.url}`), close),
    items.length ? items.map((a) => h('details', { class: 'attempt' },
      h('summary', {}, when(a.at), ' · ', a.response ? `HTTP ${a.response.status}` : a.error ?? 'no answer', a.duration_ms !== null ? ` · ${a.duration_ms} ms` : ''),
      h('div', { class: 'exchanges' },
        exchange('Request', a.request.headers, a.request.body),
        a.response ? exchange('Response', a.response.headers, a.response.body, a.response.status) : h('p', { class: 'muted' }, a.error))))
      : h('p', { class: 'empty' }, 'Nothing sent yet: a broadcast goes out at the next interval after a subject changes.')));
  close.focus();
}

export function broadcastsTab() {
  const section = resourceSection({
    title: 'Broadcasts',
    intro: 'A broadcast receiver is told, every interval, which subjects changed, with a URL to fetch the latest version. Broadcasts are not retried.',
    noun: 'broadcast receiver',
    empty: 'No broadcast receivers yet.',
    items: () => state.broadcasts,
    load: async () => { state.broadcasts = (await get(BASE)).items; },
    label: (b) => b.name || b.url,
    rowClass,
    columns: [
      { label: 'Id', cell: (b) => String(b.id) },
      { label: 'Name', cell: (b) => h('strong', {}, b.name || '—') },
      { label: 'Endpoint', cell: (b) => code(b.url) },
      { label: 'Subjects', cell: (b) => b.subjects.join(', ') || '—' },
      { label: 'Every', cell: (b) => `${b.interval_seconds} s` },
      { label: 'Status', cell: statusCell },
    ],
    canCreate: () => true,
    fields,
    create: (values) => post(BASE, values),
    update: (b, values) => patch(`${BASE}/${b.id}`, changed(b, values)),
    secret: (r) => r.secret ? { title: `Secret of ${r.name || r.url}`, label: 'Receiver secret', value: r.secret,
      note: 'Verify each broadcast\'s signature header (hex HMAC-SHA256 of the body) with it. It is shown only this once; re-roll it if it is lost.' } : null,
    actions: (b) => [
      { label: 'Edit', run: () => section.openForm(b) },
      { label: 'Attempts', run: () => showAttempts(section, b) },
      { label: 'Re-roll secret', run: () => section.act(() => post(`${BASE}/${b.id}/reroll-secret`), 'Secret re-rolled; the old one no longer signs') },
      toggleAction(section, BASE, b, 'Receiver'),
      { label: 'Delete', danger: true, run: () => section.remove(b, () => del(`${BASE}/${b.id}`)) },
    ],
  });
  return section;
}
