// One incident: facts, classification with its signals, reports, timeline, call-outs and
// follow-ups; the actions the signed-in role may take, with refusals shown as readable text.
import { ApiError, get, newKey, post } from './api.js';
import { field, h, replace, select } from './dom.js';
import { t, term, when } from './i18n.js';
import { calloutVia, calloutViaAttributes } from './duty.js';
import { classificationView } from './report.js';

const OFFICERS = ['officer', 'admin'];

function eventText(event) {
  const data = event.data ?? {};
  const parts = [];
  for (const name of ['from', 'to', 'reason', 'text', 'outcome', 'note', 'role', 'responder', 'label']) {
    if (data[name] !== undefined && data[name] !== null && typeof data[name] !== 'object') {
      parts.push(`${name}: ${data[name]}`);
    }
  }
  return parts.join(' · ');
}

/** A language code's name in the console's language: `so` as Somali / somaliska. */
function languageName(code) {
  const name = t(`language.${code}`);
  return name === `language.${code}` ? code : name;
}

/** The incident's language, and while it waits for review, whom it needs: a reader of that language. */
function languageLine(detail) {
  const name = languageName(detail.language);
  if (!detail.needs_review || !detail.review_reason) return name;
  const reason = detail.language === 'und' ? t('review.unknown') : t('review.reader', { language: name });
  return `${name} · ${reason}`;
}

function actionForm(titleKey, controls, send, report) {
  const error = h('p', { className: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, t(titleKey));
  let key = null;
  const form = h(
    'form',
    {
      className: 'action',
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        key = key ?? newKey();
        try {
          await send(key);
          key = null;
          error.textContent = '';
          report(t('action.done'));
        } catch (failure) {
          error.textContent = failure.message;
        } finally {
          button.disabled = false;
        }
      },
    },
    controls,
    button,
    error,
  );
  return h('details', {}, h('summary', {}, t(titleKey)), form);
}

function phaseOptions(first) {
  return [first, ...['before', 'during', 'after'].map((p) => [p, term('phase', p)])];
}

function actions(detail, context, done) {
  if (!OFFICERS.includes(context.me.role)) return null;
  const id = encodeURIComponent(detail.id);
  const forms = [];
  const note = h('textarea', { rows: 3, required: true });
  forms.push(
    actionForm('action.note', field(t('action.note.text'), note), (key) =>
      post(`/v1/incidents/${id}/notes`, { text: note.value }, { key }).then(() => (note.value = '')), done),
  );
  if (detail.status === 'open') {
    const to = select(phaseOptions(['', '—']), '', { required: true });
    const reason = h('input', { type: 'text', required: true });
    forms.push(
      actionForm('action.phase', [field(t('action.phase.to'), to), field(t('action.reason'), reason)], (key) =>
        post(`/v1/incidents/${id}/phase`, { phase: to.value, reason: reason.value }, { key }), done),
    );
    const confirmPhase = select(phaseOptions(['', t('action.confirm.keep')]), '');
    forms.push(
      actionForm('action.confirm', field(t('action.confirm.phase'), confirmPhase), (key) =>
        post(`/v1/incidents/${id}/confirm`, confirmPhase.value ? { phase: confirmPhase.value } : {}, { key }), done),
    );
    if ((detail.reports ?? []).length > 1) {
      const which = select(
        detail.reports.map((r) => [r.id, `${when(r.received_at)} — ${r.text.slice(0, 60)}`]),
        detail.reports[detail.reports.length - 1].id,
      );
      const reason = h('input', { type: 'text', required: true });
      forms.push(
        actionForm('action.split', [field(t('action.split.report'), which), field(t('action.reason'), reason)], (key) =>
          post(`/v1/incidents/${id}/split`, { report_id: which.value, reason: reason.value }, { key }), done),
      );
    }
    const outcome = h('input', { type: 'text', required: true });
    forms.push(
      actionForm('action.close', field(t('incident.outcome'), outcome), (key) =>
        post(`/v1/incidents/${id}/close`, { outcome: outcome.value }, { key }), done),
    );
  } else {
    const reason = h('input', { type: 'text' });
    forms.push(
      actionForm('action.reopen', field(t('action.reason'), reason), (key) =>
        post(`/v1/incidents/${id}/reopen`, reason.value ? { reason: reason.value } : {}, { key }), done),
    );
  }
  return h('section', { 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, t('incident.actions')), forms);
}

export async function show(main, context, incidentID) {
  const status = h('p', { role: 'status', className: 'done' });
  const body = h('div');
  replace(main, body);

  async function refresh() {
    const id = encodeURIComponent(incidentID);
    let detail;
    let timeline;
    let callouts;
    let followups;
    try {
      [detail, timeline, callouts, followups] = await Promise.all([
        get(`/v1/incidents/${id}`),
        get(`/v1/incidents/${id}/timeline?limit=500`),
        get(`/v1/callouts?incident=${id}&limit=500`),
        get(`/v1/followups?incident=${id}&limit=500`),
      ]);
    } catch (failure) {
      const missing = failure instanceof ApiError && failure.status === 404;
      document.title = `${t('error.generic')} · ${t('app.name')}`;
      replace(body, h('h1', {}, t('error.generic')), h('p', { role: 'alert' }, missing ? t('incident.notfound') : failure.message), h('p', {}, h('a', { href: '#/board' }, t('incident.back'))));
      return;
    }
    document.title = `${detail.title} · ${t('app.name')}`;
    // Keep what the user is typing in an open action: only redraw the read-only parts then.
    const editing = body.querySelector('details[open]');
    const facts = h(
      'dl',
      { className: 'facts' },
      h('dt', {}, t('incident.area')),
      h('dd', {}, context.areaName(detail.area)),
      h('dt', {}, t('incident.phase')),
      h('dd', { 'data-field': 'phase' }, term('phase', detail.phase)),
      h('dt', {}, t('incident.category')),
      h('dd', {}, term('category', detail.category)),
      h('dt', {}, t('incident.severity')),
      h('dd', {}, t('board.severity', { n: detail.severity ?? '—' })),
      h('dt', {}, t('incident.status')),
      h('dd', {}, term('status', detail.status), detail.needs_review ? ` · ${t('flag.review')}` : ''),
      detail.language ? [h('dt', {}, t('incident.language')), h('dd', { 'data-field': 'language' }, languageLine(detail))] : null,
      h('dt', {}, t('incident.opened')),
      h('dd', {}, when(detail.opened_at)),
      detail.outcome ? [h('dt', {}, t('incident.outcome')), h('dd', {}, detail.outcome)] : null,
    );
    const reports = h(
      'ol',
      { className: 'reports' },
      (detail.reports ?? []).map((r) =>
        h(
          'li',
          { 'data-report': r.id },
          h(
            'p',
            { className: 'when', 'data-transport': r.transport },
            `${when(r.received_at)} · ${r.actor} · ${term('transport', r.transport)}${r.language ? ` · ${languageName(r.language)}` : ''}`,
          ),
          // The text in its own language and direction (Arabic and Persian right to left).
          h('p', { className: 'text', lang: r.language && r.language !== 'und' ? r.language : null, dir: 'auto' }, r.text),
          r.location ? h('p', {}, r.location) : null,
        ),
      ),
    );
    const events = h(
      'ol',
      { className: 'timeline' },
      timeline.items.map((e) => h('li', {}, h('span', { className: 'when' }, when(e.at)), ' ', h('strong', {}, term('kind', e.kind)), ' · ', e.actor, eventText(e) ? h('p', { className: 'text' }, eventText(e)) : null)),
    );
    const calloutList = callouts.items.length
      ? h('ul', {}, callouts.items.map((c) => h('li', Object.assign({ 'data-callout': c.id }, calloutViaAttributes(c)), t('callout.line', { role: term('role', c.role), responder: c.responder, state: term('state', c.state), due: when(c.due_at) }), calloutVia(c) ? ` · ${calloutVia(c)}` : '')))
      : h('p', {}, t('incident.none'));
    const followupList = followups.items.length
      ? h('ul', {}, followups.items.map((f) => h('li', {}, t('followup.line', { label: f.label, state: term('state', f.state), due: when(f.due_at) }))))
      : h('p', {}, t('incident.none'));
    const section = (id, titleKey, ...content) => h('section', { 'aria-labelledby': id }, h('h2', { id }, t(titleKey)), content);
    const readOnly = [
      h('h1', {}, detail.title),
      h('p', {}, h('a', { href: '#/board' }, t('incident.back'))),
      status,
      section('facts-title', 'incident.facts', facts),
      section('class-title', 'incident.classification', detail.classification ? classificationView(detail.classification) : h('p', {}, t('incident.none'))),
      section('reports-title', 'incident.reports', reports),
      section('callouts-title', 'incident.callouts', calloutList),
      section('followups-title', 'incident.followups', followupList),
      section('timeline-title', 'incident.timeline', events),
    ];
    if (editing && body.querySelector('#actions-title')) {
      const actionsSection = body.querySelector('#actions-title').parentElement;
      replace(body, readOnly, actionsSection);
    } else {
      const done = (message) => {
        for (const open of body.querySelectorAll('details[open]')) open.open = false;
        status.textContent = message;
        refresh();
      };
      replace(body, readOnly, actions(detail, context, done));
    }
  }

  await refresh();
  return { refresh };
}
