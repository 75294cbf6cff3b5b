// Event types: the catalog of what can happen, declared by the provider; what subscriptions
// choose from.
import { h, when } from '../dom.js';
import { get, put, del, session, ApiError } from '../api.js';
import { resourceSection } from '../resource.js';
import { state } from '../state.js';
import { code } from './common.js';

const BASE = '/v1/event-types';

export function eventTypesTab() {
  const admin = session.isAdmin();
  const section = resourceSection({
    title: 'Event types',
    intro: admin
      ? 'Declare every event type before publishing it. Names are resource.action, such as timer.running; crier.* types are Crier\'s own.'
      : 'The event types this provider publishes. Your token\'s scope decides which of them you may subscribe to.',
    noun: 'event type',
    empty: 'No event types declared yet.',
    items: () => state.eventTypes,
    load: async () => { state.eventTypes = (await get(BASE)).items; },
    label: (t) => t.name,
    columns: [
      { label: 'Name', cell: (t) => code(t.name) },
      { label: 'Description', cell: (t) => t.description || h('span', { class: 'muted' }, '—') },
      { label: 'Scope', cell: (t) => t.scope ?? h('span', { class: 'muted' }, t.name.split('.')[0]) },
      { label: 'Updated', cell: (t) => when(t.updated_at) },
    ],
    canCreate: () => admin,
    fields: (t) => [
      t ? null : { name: 'name', label: 'Name', placeholder: 'timer.running', help: 'Lowercase words joined by dots: resource.action.' },
      { name: 'description', label: 'Description', type: 'textarea', value: t?.description, placeholder: 'A timer was started, or is still running.' },
      { name: 'scope', label: 'Scope', value: t?.scope, optional: true,
        help: 'The notification scope, when the plural of the resource is irregular (people for person.*).' },
    ].filter(Boolean),
    create: ({ name, ...body }) => {
      // the name is part of the path, so a missing one cannot reach the API's own check
      if (!name) throw new ApiError(422, { detail: 'name is required', errors: [{ field: 'name', message: 'is required' }] });
      return put(`${BASE}/${encodeURIComponent(name)}`, { description: '', ...body });
    },
    update: (t, body) => put(`${BASE}/${encodeURIComponent(t.name)}`, { description: '', ...body }),
    actions: (t) => (admin && !t.name.startsWith('crier.') ? [
      { label: 'Edit', run: () => section.openForm(t) },
      { label: 'Delete', danger: true, run: () => section.remove(t, () => del(`${BASE}/${encodeURIComponent(t.name)}`), 'Publishing it is refused until it is declared again.') },
    ] : []),
  });
  return section;
}
