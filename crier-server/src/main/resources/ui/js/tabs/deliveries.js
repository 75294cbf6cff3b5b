// Deliveries: health charts per subscription (outcomes per minute, latency p50/p95) and the
// filterable log, where each delivery opens to its attempts' requests and responses.
import { h, fill, when, exactly, uid } from '../dom.js';
import { get, post, query, ApiError } from '../api.js';
import { state, allSubscriptions, describe, KINDS } from '../state.js';
import { table, deliveryBadge, toast, exchange, facts } from '../ui.js';
import { outcomesChart, latencyChart, OUTCOMES } from '../chart.js';

const STATUSES = ['pending', 'delivered', 'failed', 'filtered', 'cancelled'];
const LOG_EVERY_MS = 5000;
const CHARTS_EVERY_MS = 15000;

function select(label, name, options, value) {
  const id = uid(name);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name }, options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value ?? '') }, o.label))));
}

function datetime(label, name, iso) {
  const id = uid(name);
  const local = iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '';
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type: 'datetime-local', value: local }));
}

function subscriptionOptions(withBroadcasts) {
  return [
    { value: '', label: 'All subscriptions' },
    ...allSubscriptions()
      .filter((s) => withBroadcasts || s.kind !== 'broadcast')
      .map((s) => ({ value: s.item.id, label: `${KINDS[s.kind].noun}: ${KINDS[s.kind].name(s.item)}${s.item.status === 'halted' ? ' (halted)' : ''}` })),
  ];
}

/** The health charts: one subscription or all, last hour or day. */
function healthSection(initial) {
  let subscription = initial ?? '';
  let window = '1h';
  const charts = h('div', { class: 'charts', 'aria-live': 'polite' });
  const picker = select('Subscription', 'chart-subscription', subscriptionOptions(true), subscription);
  picker.querySelector('select').addEventListener('change', (e) => {
    subscription = e.target.value;
    load();
  });
  const windows = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Window' },
    [['1h', 'Last hour'], ['24h', 'Last day']].map(([value, label]) => {
      const button = h('button', { type: 'button', role: 'radio', 'aria-checked': String(value === window), class: 'button small', dataset: { window: value } }, label);
      button.addEventListener('click', () => {
        window = value;
        for (const b of windows.querySelectorAll('button')) b.setAttribute('aria-checked', String(b.dataset.window === window));
        load();
      });
      return button;
    }));
  const element = h('section', { class: 'section', 'aria-labelledby': 'health-heading' },
    h('header', { class: 'section-head' },
      h('div', {}, h('h2', { id: 'health-heading' }, 'Delivery health'),
        h('p', { class: 'muted' }, 'Each delivery counts once, at its last attempt; broadcasts count each attempt.')),
      h('div', { class: 'section-buttons' }, picker, windows)),
    charts);

  async function load() {
    const stats = await get(`/v1/stats${query({ subscription, window })}`);
    const t = stats.totals;
    fill(charts,
      h('figure', { class: 'card chart-card' },
        h('figcaption', {}, h('strong', {}, stats.bucket_seconds === 60 ? 'Deliveries per minute' : 'Deliveries per 15 minutes'),
          h('ul', { class: 'legend' }, OUTCOMES.map((o) => h('li', {}, h('span', { class: `swatch ${o.key}` }), `${o.label} ${t[o.key]}`)))),
        outcomesChart(stats)),
      h('figure', { class: 'card chart-card' },
        h('figcaption', {}, h('strong', {}, 'Latency (ms)'),
          h('ul', { class: 'legend' },
            h('li', {}, h('span', { class: 'swatch p50_ms' }), `p50 ${t.p50_ms ?? '—'} ms`),
            h('li', {}, h('span', { class: 'swatch p95_ms' }), `p95 ${t.p95_ms ?? '—'} ms`))),
        latencyChart(stats)));
  }
  return { element, load, select: (id) => { subscription = id ?? ''; picker.querySelector('select').value = subscription; return load(); } };
}

/** One delivery: its event, state and every attempt's request and response, with redeliver. */
async function showDelivery(slot, id, reloadLog) {
  const d = await get(`/v1/deliveries/${encodeURIComponent(id)}`);
  const redeliver = h('button', { type: 'button', class: 'button primary' }, 'Redeliver');
  redeliver.addEventListener('click', async () => {
    redeliver.disabled = true;
    try {
      const a = await post(`/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
      toast(a.succeeded ? `Redelivered: HTTP ${a.response.status}` : `Redelivery failed: ${a.error ?? `HTTP ${a.response?.status}`}`, a.succeeded ? 'ok' : 'error');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      toast(error.message, 'error');
    }
    await Promise.all([showDelivery(slot, id, reloadLog), reloadLog()]);
  });
  const close = h('button', { type: 'button', class: 'button ghost', onclick: () => slot.replaceChildren() }, 'Close');
  const attempts = [...d.attempts].reverse();
  fill(slot, h('section', { class: 'card detail', 'aria-labelledby': 'delivery-detail' },
    h('div', { class: 'card-head' },
      h('h3', { id: 'delivery-detail' }, `Delivery ${d.id}`, ' ', deliveryBadge(d.status)),
      h('div', { class: 'section-buttons' }, redeliver, close)),
    facts([
      ['Subscription', describe(d.subscription_id)],
      ['Event', `${d.event_type} · ${d.event_id}`],
      ['Created', exactly(d.created_at)],
      ['Attempts', String(d.attempt_count)],
      d.next_attempt_at ? ['Next attempt', exactly(d.next_attempt_at)] : null,
    ]),
    h('h4', {}, 'Attempts'),
    attempts.length ? attempts.map((a, i) => h('details', { class: 'attempt', open: i === 0 },
      h('summary', {}, `#${a.number}${a.redelivery ? ' (redelivery)' : ''} · `, when(a.at), ' · ',
        a.response ? `HTTP ${a.response.status}` : a.error ?? 'no answer', a.duration_ms !== null ? ` · ${a.duration_ms} ms` : ''),
      h('div', { class: 'exchanges' },
        exchange('Request', a.request.headers, a.request.body),
        a.response ? exchange('Response', a.response.headers, a.response.body, a.response.status)
          : h('div', { class: 'exchange' }, h('h5', {}, 'No response'), h('pre', { class: 'body' }, a.error ?? '')))))
      : h('p', { class: 'empty' }, d.status === 'filtered' ? 'Not sent: the token\'s user may not see this event.' : 'Not attempted yet.')));
  close.focus();
}

/** The log: filters, the table, more pages, and the detail of one delivery. */
function logSection(initial) {
  let filters = { subscription: initial.subscription ?? '', status: initial.status ?? '', event_type: initial.event_type ?? '', since: initial.since ?? '', until: initial.until ?? '' };
  let items = [];
  let next = null;
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const tableSlot = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button ghost', hidden: true }, 'Load older deliveries');
  const detail = h('div', { class: 'detail-slot' });
  const live = h('input', { type: 'checkbox', id: 'live', checked: true });
  const form = h('form', { class: 'filters card', 'aria-label': 'Filter deliveries' },
    select('Subscription', 'subscription', subscriptionOptions(false), filters.subscription),
    select('Status', 'status', [{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: s }))], filters.status),
    select('Event type', 'event_type', [{ value: '', label: 'Any event type' }, ...state.eventTypes.map((t) => ({ value: t.name, label: t.name }))], filters.event_type),
    datetime('From', 'since', filters.since),
    datetime('Until', 'until', filters.until),
    h('div', { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'button primary' }, 'Apply'),
      h('button', { type: 'reset', class: 'button ghost' }, 'Reset'),
      h('label', { class: 'check', for: 'live' }, live, 'Live')));

  const element = h('section', { class: 'section', 'aria-labelledby': 'log-heading' },
    h('header', { class: 'section-head' }, h('div', {}, h('h2', { id: 'log-heading' }, 'Delivery log'),
      h('p', { class: 'muted' }, 'Newest first. Open a delivery to see what was sent and what came back.'))),
    form, alert, detail, tableSlot, more);

  function render() {
    fill(tableSlot, table({
      caption: 'Deliveries',
      items,
      empty: 'No deliveries match. Publish an event that a subscription hears, or widen the filters.',
      rowClass: (d) => `delivery-row ${d.status === 'failed' ? 'row-halted' : d.status === 'pending' && d.attempt_count > 0 ? 'row-failing' : ''}`,
      columns: [
        { label: 'When', cell: (d) => h('button', { type: 'button', class: 'link', onclick: () => showDelivery(detail, d.id, reload), 'aria-label': `Open delivery ${d.id}` }, when(d.created_at)) },
        { label: 'Subscription', cell: (d) => describe(d.subscription_id) },
        { label: 'Event type', cell: (d) => h('code', {}, d.event_type) },
        { label: 'Status', cell: (d) => deliveryBadge(d.status) },
        { label: 'Attempts', cell: (d) => String(d.attempt_count) },
        { label: 'Last answer', cell: (d) => d.last_response_status ? `HTTP ${d.last_response_status}` : d.last_error ?? '—' },
        { label: 'Time', cell: (d) => (d.last_duration_ms === null ? '—' : `${d.last_duration_ms} ms`) },
      ],
    }));
    more.hidden = !next;
  }

  function params(after) {
    const toIso = (v) => (v ? new Date(v).toISOString() : '');
    return query({ ...filters, since: toIso(filters.since), until: toIso(filters.until), after, limit: 50 });
  }

  async function reload() {
    try {
      const page = await get(`/v1/deliveries${params()}`);
      alert.hidden = true;
      // the log polls; an unchanged page is not redrawn, so focus and selection stay put
      const changedPage = JSON.stringify([page.items, page.next]) !== JSON.stringify([items, next]);
      items = page.items;
      next = page.next;
      if (changedPage || !tableSlot.firstChild) render();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      alert.hidden = false;
      fill(alert, error.errors.length ? error.errors.map((e) => h('p', {}, `${e.field}: ${e.message}`)) : error.message);
    }
  }

  more.addEventListener('click', async () => {
    const page = await get(`/v1/deliveries${params(next)}`);
    items = items.concat(page.items);
    next = page.next;
    render();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = Object.fromEntries(['subscription', 'status', 'event_type', 'since', 'until'].map((k) => [k, data.get(k) ?? '']));
    reload();
  });
  form.addEventListener('reset', () => {
    setTimeout(() => form.requestSubmit());
  });
  return { element, reload, live: () => live.checked && items.length <= 50 };
}

export function deliveriesTab(params) {
  const health = healthSection(params.subscription);
  const log = logSection(params);
  const element = h('div', { class: 'stack' }, health.element, log.element);
  const timers = [
    setInterval(() => { if (log.live() && !document.hidden) log.reload(); }, LOG_EVERY_MS),
    setInterval(() => { if (log.live() && !document.hidden) health.load(); }, CHARTS_EVERY_MS),
  ];
  return {
    element,
    render: () => {},
    reload: () => Promise.all([health.load(), log.reload()]),
    destroy: () => timers.forEach(clearInterval),
  };
}
