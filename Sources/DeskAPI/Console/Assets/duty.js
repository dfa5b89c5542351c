// Duty: my call-outs (acknowledge or decline, from a phone), call-outs awaiting an answer,
// and who is on duty now per area and role with the next hand-off.
import { ApiError, get, newKey, post } from './api.js';
import { field, h, replace } from './dom.js';
import { t, term, when } from './i18n.js';

/** How a call-out was sent and answered ("sent via SMS · answered via SMS"), or '' when neither is known. */
export function calloutVia(callout) {
  const parts = [];
  if (callout.sent_via) parts.push(t('callout.sent', { via: term('via', callout.sent_via) }));
  if (callout.answered_via) parts.push(t('callout.answered', { via: term('via', callout.answered_via) }));
  return parts.join(' · ');
}

/** The attributes naming how a call-out was sent and answered, for styling and tests. */
export function calloutViaAttributes(callout) {
  return { 'data-sent-via': callout.sent_via ?? '', 'data-answered-via': callout.answered_via ?? '' };
}

function mineItem(callout, context, done) {
  const note = h('input', { type: 'text', name: 'note', autocomplete: 'off' });
  const reason = h('input', { type: 'text', name: 'reason', autocomplete: 'off' });
  const error = h('p', { className: 'error', role: 'alert' });
  let key = null;
  async function answer(kind, body) {
    key = key ?? newKey();
    error.textContent = '';
    try {
      await post(`/v1/callouts/${encodeURIComponent(callout.id)}/${kind}`, body, { key });
      done();
    } catch (failure) {
      key = null;
      error.textContent = failure.message;
    }
  }
  return h(
    'li',
    Object.assign({ className: 'callout', 'data-callout': callout.id }, calloutViaAttributes(callout)),
    h('p', {}, h('a', { href: `#/incident/${encodeURIComponent(callout.incident_id)}` }, `${t('callout.incident')}: ${context.areaName(callout.area)}`)),
    h('p', {}, t('callout.line', { role: term('role', callout.role), responder: callout.responder, state: term('state', callout.state), due: when(callout.due_at) })),
    calloutVia(callout) ? h('p', { className: 'via' }, calloutVia(callout)) : null,
    callout.task ? h('p', {}, callout.task) : null,
    h(
      'form',
      { onsubmit: (event) => { event.preventDefault(); answer('ack', note.value ? { note: note.value } : {}); } },
      field(t('callout.note'), note),
      h('button', { type: 'submit', className: 'primary', 'data-action': 'ack' }, t('callout.ack')),
    ),
    h(
      'form',
      { onsubmit: (event) => { event.preventDefault(); answer('decline', { reason: reason.value }); } },
      field(t('callout.reason'), Object.assign(reason, { required: true })),
      h('button', { type: 'submit', 'data-action': 'decline' }, t('callout.decline')),
    ),
    error,
  );
}

export async function show(main, context) {
  document.title = `${t('duty.title')} · ${t('app.name')}`;
  const body = h('div');
  replace(main, h('h1', {}, t('duty.title')), body);
  const section = (id, titleKey, ...content) => h('section', { 'aria-labelledby': id }, h('h2', { id }, t(titleKey)), content);

  const error = h('p', { className: 'error', role: 'alert' });
  async function refresh() {
    try {
      await draw();
      error.textContent = '';
    } catch (failure) {
      error.textContent = failure.message;
    }
  }

  async function draw() {
    let mine = null;
    try {
      mine = (await get('/v1/callouts?mine=true&limit=100')).items.filter((c) => c.state === 'pending' || c.state === 'notified');
    } catch (failure) {
      // No responder bound to this user: nothing is "mine".
      if (!(failure instanceof ApiError && failure.status === 403)) throw failure;
    }
    const [pending, notified, roster] = await Promise.all([
      get('/v1/callouts?status=pending&limit=500'),
      get('/v1/callouts?status=notified&limit=500'),
      get('/v1/roster'),
    ]);
    const waiting = [...pending.items, ...notified.items];
    const parts = [];
    if (mine !== null) {
      parts.push(
        section('mine-title', 'duty.mine', mine.length ? h('ol', { className: 'mine' }, mine.map((c) => mineItem(c, context, () => refresh()))) : h('p', {}, t('duty.mine.none'))),
      );
    }
    parts.push(
      section(
        'waiting-title',
        'duty.waiting',
        waiting.length
          ? h('ul', {}, waiting.map((c) => h('li', Object.assign({ 'data-callout': c.id }, calloutViaAttributes(c)), h('a', { href: `#/incident/${encodeURIComponent(c.incident_id)}` }, context.areaName(c.area)), ': ', t('callout.line', { role: term('role', c.role), responder: c.responder, state: term('state', c.state), due: when(c.due_at) }), calloutVia(c) ? ` · ${calloutVia(c)}` : '')))
          : h('p', {}, t('duty.waiting.none')),
      ),
    );
    const byArea = new Map();
    for (const slot of roster.slots) {
      if (!byArea.has(slot.area)) byArea.set(slot.area, []);
      byArea.get(slot.area).push(slot);
    }
    const filter = h('input', { type: 'search' });
    const areaList = h('ul', { className: 'roster' });
    const drawAreas = () =>
      replace(
        areaList,
        [...byArea.entries()]
          .filter(([area]) => context.areaName(area).toLowerCase().includes(filter.value.trim().toLowerCase()))
          .map(([area, slots]) =>
            h(
              'li',
              {},
              h('h3', {}, context.areaName(area)),
              h(
                'ul',
                {},
                slots.map((slot) =>
                  h(
                    'li',
                    {},
                    t('duty.slot', { role: term('role', slot.role), person: slot.on_duty ? `${slot.on_duty.name} (${slot.on_duty.contact})` : t('duty.nobody') }),
                    slot.next_handoff ? `; ${t('duty.next', { when: when(slot.next_handoff), person: slot.next ? slot.next.name : t('duty.nobody') })}` : '',
                  ),
                ),
              ),
            ),
          ),
      );
    filter.addEventListener('input', drawAreas);
    drawAreas();
    parts.push(section('now-title', 'duty.now', field(t('duty.filter'), filter), areaList));
    replace(body, error, parts);
  }

  await refresh();
  // A live change must not wipe what someone is typing (a reason, a note, the filter).
  const typing = () => body.contains(document.activeElement) && document.activeElement.tagName === 'INPUT';
  return { refresh: () => (typing() ? undefined : refresh()) };
}
