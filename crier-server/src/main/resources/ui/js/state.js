// What every tab shows: the caller's subscriptions of each kind and the last hour's health,
// loaded together so halted and failing subscriptions can stand out wherever one looks.
import { get, session } from './api.js';

export const KINDS = {
  webhook: { tab: 'webhooks', noun: 'Webhook', name: (s) => s.name || s.url },
  broadcast: { tab: 'broadcasts', noun: 'Broadcast receiver', name: (s) => s.name || s.url },
  watch: { tab: 'watches', noun: 'Watch', name: (s) => `${s.pattern} → ${s.endpoint}` },
  channel: { tab: 'apps', noun: 'Channel subscription', name: (s) => `${s.channel} → ${s.callback_url}` },
};

export const state = {
  webhooks: [],
  broadcasts: [],
  watches: [],
  channels: [],
  eventTypes: [],
  /** id -> {delivered, failed, retrying, filtered} over the last hour */
  health: new Map(),
  loaded: false,
};

const listeners = new Set();
/** Called after every refresh with the new state. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Every subscription with its kind: [{kind, item}]. */
export function allSubscriptions() {
  return [
    ...state.webhooks.map((item) => ({ kind: 'webhook', item })),
    ...state.broadcasts.map((item) => ({ kind: 'broadcast', item })),
    ...state.watches.map((item) => ({ kind: 'watch', item })),
    ...state.channels.map((item) => ({ kind: 'channel', item })),
  ];
}

function findSubscription(id) {
  return allSubscriptions().find((s) => String(s.item.id) === String(id));
}

export function describe(id) {
  const found = findSubscription(id);
  return found ? `${KINDS[found.kind].noun} · ${KINDS[found.kind].name(found.item)}` : String(id);
}

/** The subscriptions that need a person: halted, or failing in the last hour. */
export function needingAttention() {
  return allSubscriptions()
    .map((s) => ({ ...s, counts: state.health.get(String(s.item.id)) }))
    .filter((s) => s.item.status === 'halted' || (s.counts && s.counts.failed + s.counts.retrying > 0));
}

let pending = null;
let lastSignature = null;
/** Reloads everything; concurrent callers share one reload. */
export function refresh() {
  pending ??= load().finally(() => {
    pending = null;
  });
  return pending;
}

async function load() {
  const [webhooks, broadcasts, watches, channels, eventTypes, stats] = await Promise.all([
    get('/v1/webhooks'),
    get('/v1/broadcast-receivers'),
    get('/v1/watches'),
    get('/v1/subscriptions'),
    get('/v1/event-types'),
    get('/v1/stats?window=1h'),
  ]);
  if (!session.get()) return;
  // listeners redraw, so they are told only when something they show changed
  const signature = JSON.stringify([webhooks, broadcasts, watches, channels, eventTypes, stats.subscriptions]);
  if (signature === lastSignature) return;
  lastSignature = signature;
  state.webhooks = webhooks.items;
  state.broadcasts = broadcasts.items;
  state.watches = watches.items;
  state.channels = channels.items;
  state.eventTypes = eventTypes.items;
  state.health = new Map(stats.subscriptions.map((s) => [String(s.id), s]));
  state.loaded = true;
  for (const listener of listeners) listener(state);
}
