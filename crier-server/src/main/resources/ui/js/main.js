// Starts the UI: sign-in, the tabs (routed by the location hash, which never holds the key),
// the attention banner, and a periodic refresh of what every tab shows.
import { h, fill } from './dom.js';
import { call, session, whenUnauthorized, ApiError } from './api.js';
import { state, refresh, onChange, needingAttention, KINDS } from './state.js';
import { toast } from './ui.js';
import { webhooksTab } from './tabs/webhooks.js';
import { broadcastsTab } from './tabs/broadcasts.js';
import { watchesTab } from './tabs/watches.js';
import { appsTab } from './tabs/apps.js';
import { eventTypesTab } from './tabs/eventtypes.js';
import { deliveriesTab } from './tabs/deliveries.js';

const TABS = [
  { id: 'webhooks', label: 'Webhooks', kinds: ['webhook'], make: webhooksTab },
  { id: 'broadcasts', label: 'Broadcasts', kinds: ['broadcast'], make: broadcastsTab },
  { id: 'watches', label: 'Watches', kinds: ['watch'], make: watchesTab },
  { id: 'apps', label: 'Connected apps', kinds: ['channel'], make: appsTab },
  { id: 'event-types', label: 'Event types', kinds: [], make: eventTypesTab },
  { id: 'deliveries', label: 'Deliveries', kinds: [], make: deliveriesTab },
];
const REFRESH_MS = 15000;

const $ = (id) => document.getElementById(id);
let current = null; // {tab, view}
let ticker = null;

// A failed API call that no one caught (a background refresh, say) is told to the person; any
// other error is a bug and stays in the console.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof ApiError) {
    event.preventDefault();
    toast(event.reason.message, 'error');
  }
});

function route() {
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const tab = TABS.find((t) => t.id === path) ?? TABS[0];
  return { tab, params: Object.fromEntries(new URLSearchParams(search ?? '')) };
}

/** The tab links, made once; renderTabs keeps their state and counts current. */
function buildTabs() {
  fill($('tabs'), TABS.map((t) => h('a', {
    href: `#/${t.id}`, role: 'tab', id: `tab-${t.id}`, 'aria-controls': 'panels', class: 'tab',
  }, t.label, h('span', { class: 'dot', hidden: true }))));
}

function renderTabs() {
  const attention = needingAttention();
  for (const t of TABS) {
    const link = $(`tab-${t.id}`);
    const selected = current?.tab === t;
    link.setAttribute('aria-selected', String(selected));
    link.setAttribute('tabindex', selected ? '0' : '-1');
    const count = attention.filter((a) => t.kinds.includes(a.kind)).length;
    const dot = link.querySelector('.dot');
    dot.hidden = count === 0;
    dot.textContent = String(count);
    dot.title = `${count} need attention`;
  }
}

// Arrow keys move between tabs (the tablist pattern); Enter or a click follows the link.
$('tabs').addEventListener('keydown', (event) => {
  const tabs = [...$('tabs').querySelectorAll('[role=tab]')];
  const at = tabs.indexOf(document.activeElement);
  if (at < 0) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const target = tabs[(to + tabs.length) % tabs.length];
  target.focus();
  location.hash = target.getAttribute('href');
});

function renderAttention() {
  const list = needingAttention();
  const banner = $('attention');
  banner.hidden = list.length === 0;
  if (!list.length) return banner.replaceChildren();
  fill(banner,
    h('strong', {}, list.length === 1 ? '1 subscription needs attention' : `${list.length} subscriptions need attention`),
    h('ul', {}, list.slice(0, 6).map((a) => {
      const kind = KINDS[a.kind];
      const counts = [a.counts?.failed ? `${a.counts.failed} failed` : '', a.counts?.retrying ? `${a.counts.retrying} retrying` : ''].filter(Boolean);
      const why = a.item.status === 'halted' ? 'halted' : `failing (${counts.join(', ')} in the last hour)`;
      return h('li', {}, h('a', { href: `#/${kind.tab}` }, `${kind.noun} ${kind.name(a.item)}`), ` is ${why}`);
    })));
}

async function show() {
  const { tab, params } = route();
  if (current?.tab === tab && tab.id !== 'deliveries') return;
  current?.view.destroy?.();
  const view = tab.make(params);
  current = { tab, view };
  renderTabs();
  const panels = $('panels');
  panels.setAttribute('aria-labelledby', `tab-${tab.id}`);
  panels.setAttribute('role', 'tabpanel');
  fill(panels, view.element);
  document.title = `${tab.label} · Integrations & Connected Apps · Crier`;
  if (state.loaded) view.render();
  await view.reload();
}

async function signedIn() {
  const s = session.get();
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('who').hidden = false;
  fill($('who-label'), s.role === 'admin' ? 'Admin' : `${s.app.name} · ${s.token.account}`);
  buildTabs();
  await refresh();
  await show();
  ticker = setInterval(() => {
    if (!document.hidden) refresh();
  }, REFRESH_MS);
}

function signedOut(message) {
  clearInterval(ticker);
  current?.view.destroy?.();
  current = null;
  session.clear();
  $('app').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  fill($('panels'));
  $('sign-in-key-error').textContent = message ?? '';
  $('sign-in-key').value = '';
  $('sign-in-key').focus();
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('sign-in-key').value.trim();
  const error = $('sign-in-key-error');
  if (!key) {
    error.textContent = 'Paste the admin key or an access token.';
    return;
  }
  try {
    const me = await call('GET', '/v1/me', undefined, key);
    session.set({ key, ...me });
    error.textContent = '';
    $('sign-in-key').removeAttribute('aria-invalid');
    await signedIn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    error.textContent = e.message;
    $('sign-in-key').setAttribute('aria-invalid', 'true');
  }
});

$('sign-out').addEventListener('click', () => signedOut());
whenUnauthorized((e) => signedOut(`Signed out: ${e.message}`));
onChange(() => {
  renderTabs();
  renderAttention();
  const busy = document.activeElement?.closest?.('#panels form, #panels details[open]');
  if (current && !busy) current.view.render();
});
window.addEventListener('hashchange', () => {
  if (session.get()) show();
});

if (session.get()) signedIn();
else signedOut();
