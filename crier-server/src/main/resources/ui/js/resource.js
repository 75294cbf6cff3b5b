// One section of a tab: a list of resources with a create/edit form, the one-time secret
// panel and row actions. The tabs describe their resource; this does the rest the same way.
import { h, fill } from './dom.js';
import { form } from './forms.js';
import { table, toast, confirmDialog, secretPanel, rowActions } from './ui.js';
import { ApiError } from './api.js';
import { refresh } from './state.js';

/**
 * spec: {
 *   title, intro, noun, empty,
 *   items() -> array,                the current list (from state, or fetched)
 *   load() -> Promise,               reloads what items() reads
 *   columns: [{label, cell}],
 *   rowClass(item),
 *   fields(item|null) -> [field],    the form, for creating (null) or editing
 *   canCreate() -> bool,
 *   create(values) -> Promise<created>, update(item, values) -> Promise,
 *   secret(result) -> {title, label, value} | null,   what to reveal once after create/actions
 *   actions(item, section) -> [{label, run}],
 *   label(item) -> string,           the item's name in messages
 * }
 */
export function resourceSection(spec) {
  const cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  const formSlot = h('div', { class: 'form-slot' });
  const secretSlot = h('div', { class: 'secret-slot' });
  const listSlot = h('div', { class: 'list-slot', 'aria-live': 'polite', 'aria-busy': 'false' });
  const extraSlot = h('div', { class: 'extra-slot' });
  const newButton = h('button', { type: 'button', class: 'button primary' }, `New ${spec.noun}`);
  const refreshButton = h('button', { type: 'button', class: 'button ghost' }, 'Refresh');
  const headingId = `${spec.noun.replace(/\W+/g, '-')}-heading`;
  const element = h('section', { class: 'section', 'aria-labelledby': headingId },
    h('header', { class: 'section-head' },
      h('div', {},
        h('h2', { id: headingId }, spec.title),
        spec.intro ? h('p', { class: 'muted' }, spec.intro) : null),
      h('div', { class: 'section-buttons' }, refreshButton, spec.canCreate() ? newButton : null)),
    secretSlot, formSlot, extraSlot, listSlot);

  const section = {
    element,
    /** Redraws the list from items(); leaves any open form alone. */
    render() {
      const items = spec.items();
      const actions = new Map(items.map((item) => [item, spec.actions(item, section)]));
      // a list in which nothing can be done (event types, for an app token) has no actions column
      const actionColumn = [...actions.values()].some((a) => a.length)
        ? [{ label: 'Actions', class: 'actions-col', cell: (item) => rowActions(spec.label(item), actions.get(item)) }]
        : [];
      fill(listSlot, table({
        caption: spec.title,
        columns: [...spec.columns, ...actionColumn],
        items,
        rowClass: spec.rowClass,
        empty: spec.empty,
      }));
    },
    /** Reloads this list, and what every tab shows (the attention banner, the tab counts). */
    async reload() {
      listSlot.setAttribute('aria-busy', 'true');
      try {
        await Promise.all([spec.load(), refresh()]);
      } finally {
        listSlot.setAttribute('aria-busy', 'false');
      }
      section.render();
    },
    /** Opens the form for a new item, or for editing {@code item}. */
    openForm(item = null, opener = newButton) {
      const close = () => {
        formSlot.replaceChildren();
        if (opener?.isConnected) opener.focus();
      };
      const el = form({
        title: item ? `Edit ${spec.noun} ${spec.label(item)}` : `New ${spec.noun}`,
        fields: spec.fields(item),
        submit: item ? 'Save changes' : `Create ${spec.noun}`,
        onCancel: close,
        onSubmit: async (values) => {
          const result = item ? await spec.update(item, values) : await spec.create(values);
          formSlot.replaceChildren();
          toast(item ? `${cap(spec.noun)} saved` : `${cap(spec.noun)} created`);
          section.reveal(result);
          await section.reload();
        },
      });
      fill(formSlot, el);
      el.focusFirst();
    },
    /** Shows the secret the API returned once, if this result has one. */
    reveal(result) {
      const secret = result && spec.secret?.(result);
      if (!secret) return;
      const panel = secretPanel(secret);
      fill(secretSlot, panel);
      panel.querySelector('button').focus();
    },
    /** Runs an action, telling the person how it went, and reloads. */
    async act(run, done) {
      try {
        const result = await run();
        if (done) toast(done);
        section.reveal(result);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        toast(error.message, 'error');
      }
      await section.reload();
    },
    /** Asks first, then deletes. */
    async remove(item, run, consequence) {
      const ok = await confirmDialog({
        title: `Delete ${spec.noun} ${spec.label(item)}?`,
        text: consequence ?? 'This cannot be undone.',
      });
      if (ok) await section.act(run, `${cap(spec.noun)} deleted`);
    },
    extra: extraSlot,
  };
  newButton.addEventListener('click', () => section.openForm(null, newButton));
  refreshButton.addEventListener('click', () => section.reload());
  return section;
}
