// Webhooks: one POST per event, in order, retried on a schedule, halting instead of dropping.
import { h } from '../dom.js';
import { get, post, patch, del } from '../api.js';
import { changed } from '../forms.js';
import { resourceSection } from '../resource.js';
import { state } from '../state.js';
import { statusCell, rowClass, code, toggleAction, deliveriesAction, typesHelp } from './common.js';

const BASE = '/v1/webhooks';
const SIGNATURES = [
  { value: 'standard', label: 'Standard Webhooks (webhook-signature)' },
  { value: 'standard-ed25519', label: 'Standard Webhooks, Ed25519 (v1a, keys at /.well-known/jwks.json)' },
  { value: 'standard+ed25519', label: 'Standard Webhooks, both v1 and v1a (migrating to Ed25519)' },
  { value: 'hmac-sha256', label: 'Hex HMAC-SHA256 of the body' },
  { value: 'github', label: 'GitHub style (X-Hub-Signature-256)' },
  { value: 'webex', label: 'Webex style (X-Spark-Signature)' },
];

/** The schedule as typed: "none" halts at the first failure, empty keeps the default. */
function schedule(values) {
  const out = { ...values };
  if (out.retry_schedule?.length === 1 && out.retry_schedule[0].toLowerCase() === 'none') out.retry_schedule = [];
  return out;
}

function fields(item) {
  return [
    { name: 'name', label: 'Name', value: item?.name, optional: true, placeholder: 'Billing sync' },
    { name: 'url', label: 'Endpoint URL', value: item?.url, inputmode: 'url', placeholder: 'https://example.com/hooks/crier' },
    { name: 'events', label: 'Events', type: 'list', value: item?.events, placeholder: 'client.*, invoice.paid',
      help: typesHelp('Comma-separated event types or patterns; * for everything.') },
    { name: 'signature', label: 'Signature', type: 'select', value: item?.signature ?? 'standard', options: SIGNATURES },
    { name: 'retry_schedule', label: 'Retry schedule', type: 'list', optional: true,
      value: item && item.retry_schedule.length === 0 ? ['none'] : item?.retry_schedule,
      help: 'Delays such as 10s, 1m, 5m. Empty: the default (10s, 1m, 5m, 30m, 2h, 6h). "none": halt at the first failure.' },
    { name: 'filter', label: 'Data filter', value: item?.filter, optional: true, placeholder: 'data.status == "paid"' },
    { name: 'timeout_seconds', label: 'Timeout (seconds)', type: 'number', value: item?.timeout_seconds, optional: true, placeholder: '10' },
    { name: 'ordered', label: 'Ordered: one delivery at a time, in event order', type: 'checkbox', value: item ? item.ordered : true },
  ];
}

export function webhooksTab() {
  const section = resourceSection({
    title: 'Webhooks',
    intro: 'Each event is POSTed to the endpoint, signed, in order. A failing endpoint is retried on its schedule, then halts until you resume it; nothing is dropped.',
    noun: 'webhook',
    empty: 'No webhooks yet. Create one to have events POSTed to your endpoint.',
    items: () => state.webhooks,
    load: async () => { state.webhooks = (await get(BASE)).items; },
    label: (w) => w.name || w.url,
    rowClass,
    columns: [
      { label: 'Name', cell: (w) => h('strong', {}, w.name || '—') },
      { label: 'Endpoint', cell: (w) => code(w.url) },
      { label: 'Events', cell: (w) => w.events.join(', ') },
      { label: 'Status', cell: statusCell },
    ],
    canCreate: () => true,
    fields,
    create: (values) => post(BASE, schedule(values)),
    update: (w, values) => patch(`${BASE}/${w.id}`, changed(w, schedule(values))),
    secret: (r) => r.secret ? { title: `Signing secret of ${r.name || r.url}`, label: 'Signing secret', value: r.secret } : null,
    actions: (w) => [
      w.status === 'halted' ? {
        label: 'Resume', primary: true,
        run: () => section.act(() => post(`${BASE}/${w.id}/resume`), 'Webhook resumed: delivery continues from the failed event'),
      } : null,
      { label: 'Edit', run: () => section.openForm(w) },
      { label: 'Send a ping', run: () => section.act(() => post(`${BASE}/${w.id}/ping`), 'Ping sent') },
      deliveriesAction(w),
      { label: 'Rotate secret', run: () => section.act(() => post(`${BASE}/${w.id}/rotate-secret`), 'Secret rotated; the old one stays valid for 24 hours') },
      w.status === 'halted' ? null : toggleAction(section, BASE, w, 'Webhook'),
      { label: 'Delete', danger: true, run: () => section.remove(w, () => del(`${BASE}/${w.id}`), 'Its pending deliveries and delivery log are deleted too.') },
    ].filter(Boolean),
  });
  return section;
}
