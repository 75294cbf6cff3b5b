// Cells and actions that several tabs share.
import { h } from '../dom.js';
import { statusBadge, healthBadge } from '../ui.js';
import { state } from '../state.js';
import { post } from '../api.js';

/** The status cell: the state, and "failing" when the last hour went badly. */
export function statusCell(item) {
  return h('div', { class: 'badges' }, statusBadge(item.status), healthBadge(state.health.get(String(item.id))));
}

/** Halted and failing rows are tinted, so they stand out in any list. */
export function rowClass(item) {
  if (item.status === 'halted') return 'row-halted';
  const counts = state.health.get(String(item.id));
  if (counts && counts.failed + counts.retrying > 0) return 'row-failing';
  return item.status === 'disabled' ? 'row-disabled' : '';
}

export function code(text) {
  return h('code', { class: 'wrap' }, text);
}

/** Enable or disable, whichever applies, as an action. */
export function toggleAction(section, base, item, label) {
  const enable = item.status === 'disabled';
  return {
    label: enable ? 'Enable' : 'Disable',
    primary: enable,
    run: () => section.act(() => post(`${base}/${item.id}/${enable ? 'enable' : 'disable'}`), `${label} ${enable ? 'enabled' : 'disabled'}`),
  };
}

/** The Deliveries tab, filtered to one subscription. */
export function deliveriesAction(item) {
  return { label: 'Deliveries', run: () => { location.hash = `#/deliveries?subscription=${encodeURIComponent(item.id)}`; } };
}

/** Suggestions for an event-pattern field: the declared types. */
export function typesHelp(prefix) {
  const names = state.eventTypes.filter((t) => !t.name.startsWith('crier.')).map((t) => t.name);
  return names.length ? `${prefix} Declared: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}.` : prefix;
}
