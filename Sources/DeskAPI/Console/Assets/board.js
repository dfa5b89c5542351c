// The board: open incidents in three columns by phase, most severe and newest first.
import { get } from './api.js';
import { h, replace } from './dom.js';
import { age, t, term } from './i18n.js';

const PHASES = ['before', 'during', 'after'];

function card(item, context) {
  const incident = item.incident;
  const flags = [];
  if (incident.needs_review) flags.push(h('li', { className: 'flag review' }, t('flag.review')));
  if (item.unstaffed) flags.push(h('li', { className: 'flag unstaffed' }, t('flag.unstaffed')));
  const callouts = item.called
    ? t('board.callouts', {
        called: item.called,
        acknowledged: item.acknowledged,
        escalated: item.escalated,
        waiting: item.waiting,
      })
    : t('board.nocallouts');
  return h(
    'li',
    { className: `card sev-${incident.severity ?? 0}`, 'data-incident': incident.id },
    h('h3', {}, h('a', { href: `#/incident/${encodeURIComponent(incident.id)}` }, incident.title)),
    h(
      'p',
      { className: 'meta' },
      h('span', { className: `phase phase-${incident.phase}` }, t('phase.label', { phase: term('phase', incident.phase) })),
      ' · ',
      context.areaName(incident.area),
      ' · ',
      term('category', incident.category),
    ),
    h('p', { className: `severity sev-${incident.severity ?? 0}` }, t('board.severity', { n: incident.severity ?? '—' })),
    h('p', {}, t('board.reports', { n: incident.report_count }), ' · ', t('board.age', { age: age(incident.last_report_at) })),
    h('p', { className: 'callouts' }, callouts),
    flags.length ? h('ul', { className: 'flags' }, flags) : null,
  );
}

export async function show(main, context) {
  document.title = `${t('board.title')} · ${t('app.name')}`;
  const columns = h('div', { className: 'columns' });
  const error = h('p', { className: 'error', role: 'alert' });
  replace(main, h('h1', {}, t('board.title')), error, columns);

  async function refresh() {
    let items;
    try {
      items = (await get('/v1/console/board')).items;
      error.textContent = '';
    } catch (failure) {
      error.textContent = failure.message;
      return;
    }
    const phases = items.some((item) => !PHASES.includes(item.incident.phase)) ? [...PHASES, 'unclassified'] : PHASES;
    replace(
      columns,
      phases.map((phase) => {
        const mine = items.filter((item) =>
          phase === 'unclassified' ? !PHASES.includes(item.incident.phase) : item.incident.phase === phase,
        );
        const headingID = `col-${phase}`;
        return h(
          'section',
          { className: `column column-${phase}`, 'aria-labelledby': headingID, 'data-phase': phase },
          h('h2', { id: headingID }, term('phase', phase), ' ', h('span', { className: 'count' }, `(${t('board.count', { n: mine.length })})`)),
          mine.length ? h('ol', { className: 'cards' }, mine.map((item) => card(item, context))) : h('p', {}, t('board.empty')),
        );
      }),
    );
    document.body.dataset.boardLoaded = String(Date.now());
  }

  await refresh();
  return { refresh };
}
