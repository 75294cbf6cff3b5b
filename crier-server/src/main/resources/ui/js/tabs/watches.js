// Watches: every event whose subject path lies at or below a pattern, sent to an endpoint.
import { get, post, del } from '../api.js';
import { resourceSection } from '../resource.js';
import { state } from '../state.js';
import { statusCell, rowClass, code, deliveriesAction } from './common.js';

const BASE = '/v1/watches';

export function watchesTab() {
  const section = resourceSection({
    title: 'Watches',
    intro: 'A watch hears every event about a path and everything below it, such as /projects/37396. Watches cannot be edited: delete one and create another.',
    noun: 'watch',
    empty: 'No watches yet.',
    items: () => state.watches,
    load: async () => { state.watches = (await get(BASE)).items; },
    label: (w) => w.pattern,
    rowClass,
    columns: [
      { label: 'Id', cell: (w) => String(w.id) },
      { label: 'Pattern', cell: (w) => code(w.pattern) },
      { label: 'Endpoint', cell: (w) => code(w.endpoint) },
      { label: 'Status', cell: statusCell },
    ],
    canCreate: () => true,
    fields: () => [
      { name: 'pattern', label: 'Path pattern', placeholder: '/projects/37396' },
      { name: 'endpoint', label: 'Endpoint URL', inputmode: 'url', placeholder: 'https://example.com/watch' },
    ],
    create: (values) => post(BASE, values),
    secret: (r) => r.secret ? { title: `Signing secret of the watch on ${r.pattern}`, label: 'Signing secret', value: r.secret } : null,
    actions: (w) => [
      w.status === 'halted' ? { label: 'Resume', primary: true, run: () => section.act(() => post(`${BASE}/${w.id}/resume`), 'Watch resumed') } : null,
      deliveriesAction(w),
      { label: 'Delete', danger: true, run: () => section.remove(w, () => del(`${BASE}/${w.id}`)) },
    ].filter(Boolean),
  });
  return section;
}
