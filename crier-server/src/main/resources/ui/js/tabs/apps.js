// Connected apps: the integrations the provider registered (apps), the access tokens issued to
// them, and the channel subscriptions those tokens hold. An app token sees only its own part.
import { h, fill, when } from '../dom.js';
import { get, post, patch, put, del, session } from '../api.js';
import { changed } from '../forms.js';
import { resourceSection } from '../resource.js';
import { state } from '../state.js';
import { confirmDialog, facts } from '../ui.js';
import { statusCell, rowClass, code, deliveriesAction, toggleAction } from './common.js';

function appsSection() {
  let apps = [];
  const section = resourceSection({
    title: 'Apps',
    intro: 'An app is an integration you registered: its callbacks must lie inside its URL, and it signs in with the access tokens you issue to it.',
    noun: 'app',
    empty: 'No apps registered yet.',
    items: () => apps,
    load: async () => { apps = (await get('/v1/apps')).items; },
    label: (a) => a.name,
    columns: [
      { label: 'Name', cell: (a) => h('strong', {}, a.name) },
      { label: 'URL', cell: (a) => code(a.url) },
      { label: 'Registered', cell: (a) => when(a.created_at) },
    ],
    canCreate: () => true,
    fields: (a) => [
      { name: 'name', label: 'Name', value: a?.name, placeholder: 'Da Best Timer Sync' },
      { name: 'url', label: 'App URL', value: a?.url, inputmode: 'url', placeholder: 'https://app.example.com',
        help: 'Every callback of this app must lie inside this URL.' },
    ],
    create: (values) => post('/v1/apps', values),
    update: (a, values) => patch(`/v1/apps/${a.id}`, changed(a, values)),
    secret: (r) => r.secret ? { title: `App secret of ${r.name}`, label: 'App secret', value: r.secret,
      note: 'It signs the signed_request of every channel delivery to this app. It is shown only this once.' } : null,
    actions: (a) => [
      { label: 'Tokens', run: () => showTokens(section, a) },
      { label: 'Edit', run: () => section.openForm(a) },
      { label: 'Rotate secret', run: async () => {
        const ok = await confirmDialog({ title: `Rotate the secret of ${a.name}?`, text: 'Deliveries are signed with the new secret at once; the app must switch to it.', ok: 'Rotate' });
        if (ok) await section.act(() => post(`/v1/apps/${a.id}/rotate-secret`), 'App secret rotated');
      } },
      { label: 'Delete', danger: true, run: () => section.remove(a, () => del(`/v1/apps/${a.id}`), 'Its tokens and their subscriptions are deleted too.') },
    ],
  });
  return section;
}

/** The tokens of one app, with a form to issue another. */
async function showTokens(apps, app) {
  let tokens = [];
  const section = resourceSection({
    title: `Access tokens of ${app.name}`,
    intro: 'A token acts for one user of one account; its scope says which channels it may subscribe to (clients, or clients:create,update).',
    noun: 'token',
    empty: 'No tokens issued yet.',
    items: () => tokens,
    load: async () => { tokens = (await get(`/v1/apps/${app.id}/tokens`)).items; },
    label: (t) => t.id,
    rowClass: (t) => (t.revoked_at ? 'row-disabled' : ''),
    columns: [
      { label: 'Account', cell: (t) => t.account },
      { label: 'User', cell: (t) => t.user_id ?? '—' },
      { label: 'Scope', cell: (t) => code(t.scope || '—') },
      { label: 'Permissions', cell: (t) => t.permissions.join(', ') || '—' },
      { label: 'Expires', cell: (t) => (t.revoked_at ? h('span', { class: 'badge status-disabled' }, 'Revoked') : when(t.expires_at)) },
    ],
    canCreate: () => true,
    fields: (t) => (t ? [
      { name: 'permissions', label: 'Permissions', type: 'list', value: t.permissions, optional: true, placeholder: 'clients:read',
        help: 'What the token\'s user may see; an event that needs a permission the user lacks is not sent.' },
    ] : [
      { name: 'account', label: 'Account', placeholder: 'acme' },
      { name: 'user_id', label: 'User id', optional: true },
      { name: 'sub_domain', label: 'Sub-domain', optional: true },
      { name: 'scope', label: 'Scope', placeholder: 'clients timers:create,update', optional: true },
      { name: 'permissions', label: 'Permissions', type: 'list', optional: true, placeholder: 'clients:read' },
      { name: 'expires_at', label: 'Expires at', optional: true, placeholder: '2027-01-01T00:00:00Z' },
    ]),
    create: (values) => post(`/v1/apps/${app.id}/tokens`, values),
    update: (t, values) => put(`/v1/tokens/${t.id}/permissions`, { permissions: values.permissions ?? [] }),
    secret: (r) => r.access_token ? { title: 'New access token', label: 'Access token', value: r.access_token,
      note: 'Give it to the app. Only its hash is stored, so it is shown only this once.' } : null,
    actions: (t) => (t.revoked_at ? [] : [
      { label: 'Edit permissions', run: () => section.openForm(t) },
      { label: 'Revoke', danger: true, run: async () => {
        const ok = await confirmDialog({ title: `Revoke token ${t.id}?`, text: 'The app can no longer use it, and the subscriptions made with it are deleted.', ok: 'Revoke' });
        if (ok) await section.act(() => del(`/v1/tokens/${t.id}`), 'Token revoked');
      } },
    ]),
  });
  const close = h('button', { type: 'button', class: 'button ghost', onclick: () => apps.extra.replaceChildren() }, 'Close tokens');
  fill(apps.extra, h('div', { class: 'nested card' }, h('div', { class: 'card-head' }, close), section.element));
  await section.reload();
  close.focus();
}

function channelsSection() {
  const admin = session.isAdmin();
  let channels = [];
  const section = resourceSection({
    title: 'Channel subscriptions',
    intro: admin
      ? 'What the apps subscribed to with their tokens. Only an app token can create one; you can delete any.'
      : 'Subscribe a callback URL inside your app to a channel. Deliveries are a signed_request form field signed with your app secret.',
    noun: 'channel subscription',
    empty: 'No channel subscriptions.',
    items: () => state.channels,
    load: async () => {
      state.channels = (await get('/v1/subscriptions')).items;
      if (!admin && !channels.length) channels = await get('/api/subs/channels');
    },
    label: (s) => s.channel,
    rowClass,
    columns: [
      { label: 'Channel', cell: (s) => h('strong', {}, s.channel) },
      { label: 'Callback URL', cell: (s) => code(s.callback_url) },
      admin ? { label: 'App · account', cell: (s) => `${s.app_id ?? '—'} · ${s.account ?? '—'}` } : null,
      { label: 'Status', cell: statusCell },
    ].filter(Boolean),
    canCreate: () => !admin,
    fields: (s) => [
      { name: 'channel', label: 'Channel', type: 'select', value: s?.channel,
        options: [{ value: '', label: 'Choose a channel…' }, ...channels.map((c) => ({ value: c, label: c }))] },
      { name: 'callback_url', label: 'Callback URL', value: s?.callback_url, inputmode: 'url', placeholder: 'https://app.example.com/crier' },
    ],
    create: (values) => post('/v1/subscriptions', values),
    update: (s, values) => patch(`/v1/subscriptions/${s.id}`, changed(s, values)),
    actions: (s) => [
      s.status === 'halted' ? {
        label: 'Resume', primary: true,
        run: () => section.act(() => post(`/v1/subscriptions/${s.id}/resume`), 'Subscription resumed: delivery continues from the failed event'),
      } : null,
      admin ? null : { label: 'Edit', run: () => section.openForm(s) },
      deliveriesAction(s),
      s.status === 'halted' ? null : toggleAction(section, '/v1/subscriptions', s, 'Subscription'),
      { label: 'Delete', danger: true, run: () => section.remove(s, () => del(`/v1/subscriptions/${s.id}`)) },
    ].filter(Boolean),
  });
  return section;
}

/** What an app token is, for the person signed in with it. */
function tokenCard() {
  const { app, token } = session.get();
  return h('section', { class: 'card', 'aria-labelledby': 'token-card' },
    h('h2', { id: 'token-card' }, `Signed in as ${app.name}`),
    facts([
      ['App URL', code(app.url)],
      ['Account', token.account],
      token.user_id ? ['User', token.user_id] : null,
      ['Scope', code(token.scope || '—')],
      ['Permissions', token.permissions.join(', ') || '—'],
      ['Expires', when(token.expires_at)],
    ]),
    h('p', { class: 'muted' }, 'Apps and tokens are managed by the provider with the admin key.'));
}

export function appsTab() {
  const admin = session.isAdmin();
  const apps = admin ? appsSection() : null;
  const channels = channelsSection();
  const element = h('div', { class: 'stack' }, admin ? apps.element : tokenCard(), channels.element);
  return {
    element,
    render: () => channels.render(),
    reload: async () => {
      await Promise.all([apps?.reload(), channels.reload()]);
    },
  };
}
