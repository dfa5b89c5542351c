// Trends: incidents per week and phase (the whole desk, and per area as small multiples), call-out
// answer times (median, 90th percentile), the share escalated and unstaffed incidents, and
// follow-ups, over a chosen number of weeks. Every picture is an inline SVG drawn here, with a
// table beside it (for screen readers and copying) and a CSV download of the same figures.
import { get, getText } from './api.js';
import { field, h, replace, select } from './dom.js';
import { t, term } from './i18n.js';

const PERIODS = ['4w', '8w', '12w', '26w', '52w'];
const PHASES = ['before', 'during', 'after', 'unclassified'];
const FOLLOWUPS = ['done_on_time', 'done_late', 'overdue', 'pending'];
const SVG = 'http://www.w3.org/2000/svg';

let period = '12w';

/** An SVG element: like `h`, in the SVG namespace. */
function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A number for a table or a title: whole, or with one decimal. */
function number(value) {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A share (0…1) as a percentage. */
function percent(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)} %`;
}

/** The week's number alone ("W49"), for axis labels. */
function shortWeek(week) {
  return week.replace(/^\d{4}-/, '');
}

/**
 * A bar chart with one mark (`<g class="mark">`) per week: each mark stacks `series` (name, value,
 * css class) from the bottom; `line` (optional) adds a second value per week as a dot.
 */
function weekChart(id, label, weeks, series, { height = 140, small = false, format = number } = {}) {
  const width = Math.max(weeks.length * (small ? 12 : 28), small ? 120 : 280);
  const top = small ? 4 : 16;
  const bottom = small ? 4 : 22;
  const max = Math.max(1, ...weeks.map((week) => series(week).reduce((sum, part) => sum + part.value, 0)));
  const step = width / Math.max(weeks.length, 1);
  const scale = (height - top - bottom) / max;
  const marks = weeks.map((week, index) => {
    let y = height - bottom;
    const parts = series(week);
    const total = parts.reduce((sum, part) => sum + part.value, 0);
    const title = `${week}: ${parts.map((part) => `${part.name} ${format(part.shown ?? part.value)}`).join(', ')}`;
    return s(
      'g',
      { class: 'mark', 'data-week': week, 'data-total': total },
      s('title', {}, title),
      parts.map((part) => {
        const barHeight = part.value * scale;
        y -= barHeight;
        return s('rect', { class: part.css, x: index * step + step * 0.15, y, width: step * 0.7, height: barHeight });
      }),
      small ? null : s('text', { class: 'axis', x: index * step + step / 2, y: height - 6, 'text-anchor': 'middle' }, shortWeek(week)),
    );
  });
  return s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title`, 'data-chart': id, class: small ? 'chart small' : 'chart' },
    s('title', { id: `${id}-title` }, label),
    small ? null : s('text', { class: 'axis', x: 2, y: 11 }, t('trends.max', { n: format(max) })),
    s('line', { class: 'base', x1: 0, y1: height - bottom, x2: width, y2: height - bottom }),
    marks,
  );
}

/** A table: a caption, header cells, and rows of [header, ...cells]; cells carry `data-value`. */
function table(id, caption, headers, rows) {
  // Scrolls sideways on a narrow screen: focusable, so a keyboard can scroll it too.
  return h(
    'div',
    { className: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { 'data-table': id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
      h(
        'tbody',
        {},
        rows.map(([head, ...cells]) =>
          h(
            'tr',
            { 'data-row': head.key },
            h('th', { scope: 'row' }, head.text),
            cells.map((cell) => h('td', { 'data-value': cell.value ?? '' }, cell.text)),
          ),
        ),
      ),
    ),
  );
}

const cell = (value, format = number) => ({ value, text: format(value) });

/** A button that downloads `path` as CSV (the API's own CSV, with the session's secret). */
function download(path, name, errorNode) {
  return h(
    'button',
    {
      type: 'button',
      className: 'download',
      'data-csv': path,
      onclick: async () => {
        try {
          const text = await getText(path, 'text/csv');
          const link = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: name });
          document.body.append(link);
          link.click();
          link.remove();
        } catch (failure) {
          errorNode.textContent = failure.message;
        }
      },
    },
    t('trends.csv'),
  );
}

/** A section: heading, picture(s), table, CSV button. */
function section(id, title, note, picture, tableNode, csvPath, errorNode) {
  return h(
    'section',
    { 'aria-labelledby': `${id}-h`, className: 'trend', id },
    h('h2', { id: `${id}-h` }, title),
    note ? h('p', { className: 'hint' }, note) : null,
    h('div', { className: 'figure' }, h('div', { className: 'picture' }, picture), tableNode),
    download(csvPath, `desk-${id}-${period}.csv`, errorNode),
  );
}

/** Rows of a stats answer by key: `week` → item (or `week|area`). */
function byKey(items, ...parts) {
  return new Map(items.map((item) => [parts.map((part) => item[part]).join('|'), item]));
}

async function draw(body, context, errorNode) {
  const path = (kind, by) => `/v1/stats/${kind}?by=${by}&since=${period}`;
  const [phases, areas, callouts, calloutAreas, unstaffed, followups] = await Promise.all([
    get(path('incidents', 'week,phase')),
    get(path('incidents', 'week,area')),
    get(path('callouts', 'week')),
    get(path('callouts', 'area')),
    get(path('incidents', 'week')),
    get(path('followups', 'week')),
  ]);
  const weeks = phases.weeks.map((week) => week.week);
  const phaseOf = byKey(phases.items, 'week', 'phase');
  const count = (week, phase) => phaseOf.get(`${week}|${phase}`)?.incidents ?? 0;
  const shown = PHASES.filter((phase) => phase !== 'unclassified' || weeks.some((week) => count(week, phase) > 0));

  const incidentsSection = section(
    'incidents',
    t('trends.incidents'),
    t('trends.incidents.note'),
    weekChart('incidents', t('trends.incidents'), weeks, (week) =>
      shown.map((phase) => ({ name: term('phase', phase), value: count(week, phase), css: `ph-${phase}` })),
    ),
    table(
      'incidents',
      t('trends.incidents'),
      [t('trends.week'), ...shown.map((phase) => term('phase', phase)), t('trends.total')],
      weeks.map((week) => [
        { key: week, text: week },
        ...shown.map((phase) => cell(count(week, phase))),
        cell(shown.reduce((sum, phase) => sum + count(week, phase), 0)),
      ]),
    ),
    path('incidents', 'week,phase'),
    errorNode,
  );
  const legend = h(
    'ul',
    { className: 'legend' },
    shown.map((phase) => h('li', {}, h('span', { className: `swatch ph-${phase}`, 'aria-hidden': 'true' }), term('phase', phase))),
  );
  incidentsSection.insertBefore(legend, incidentsSection.querySelector('.figure'));

  // Small multiples: one small chart per area with incidents in the period, on one scale each.
  const areaOf = byKey(areas.items, 'week', 'area');
  const areaIDs = [...new Set(areas.items.filter((item) => item.incidents > 0).map((item) => item.area))].sort((a, b) =>
    context.areaName(a).localeCompare(context.areaName(b)),
  );
  const areaCount = (week, area) => areaOf.get(`${week}|${area}`)?.incidents ?? 0;
  const multiples = h(
    'ul',
    { className: 'multiples' },
    areaIDs.map((area) =>
      h(
        'li',
        { 'data-area': area },
        h('p', { className: 'multiple-name' }, context.areaName(area)),
        weekChart(`area-${area}`, t('trends.area.chart', { area: context.areaName(area) }), weeks, (week) => [
          { name: t('trends.incidents.short'), value: areaCount(week, area), css: 'bar' },
        ], { height: 48, small: true }),
      ),
    ),
  );
  const areasSection = section(
    'areas',
    t('trends.areas'),
    areaIDs.length ? null : t('trends.none'),
    multiples,
    table(
      'areas',
      t('trends.areas'),
      [t('trends.area'), ...weeks.map(shortWeek)],
      areaIDs.map((area) => [{ key: area, text: context.areaName(area) }, ...weeks.map((week) => cell(areaCount(week, area)))]),
    ),
    path('incidents', 'week,area'),
    errorNode,
  );

  const calloutOf = byKey(callouts.items, 'week');
  const unstaffedOf = byKey(unstaffed.items, 'week');
  const answersSection = section(
    'answers',
    t('trends.answers'),
    t('trends.answers.note'),
    weekChart(
      'answers',
      t('trends.answers'),
      weeks,
      (week) => {
        const item = calloutOf.get(week) ?? {};
        const median = item.answer_median_seconds ?? 0;
        const p90 = item.answer_p90_seconds ?? 0;
        return [
          { name: t('trends.median'), value: median / 60, css: 'median' },
          { name: t('trends.p90'), value: Math.max(0, p90 - median) / 60, shown: p90 / 60, css: 'p90' },
        ];
      },
      { format: (minutes) => t('trends.minutes', { n: number(minutes) }) },
    ),
    table(
      'answers',
      t('trends.answers'),
      [t('trends.week'), t('trends.callouts'), t('trends.acknowledged'), t('trends.median'), t('trends.p90'), t('trends.escalated'), t('trends.unstaffed')],
      weeks.map((week) => {
        const item = calloutOf.get(week) ?? {};
        return [
          { key: week, text: week },
          cell(item.callouts ?? 0),
          cell(item.acknowledged ?? 0),
          cell(item.answer_median_seconds ?? null, seconds),
          cell(item.answer_p90_seconds ?? null, seconds),
          cell(item.escalated_share ?? null, percent),
          cell(unstaffedOf.get(week)?.unstaffed ?? 0),
        ];
      }),
    ),
    path('callouts', 'week'),
    errorNode,
  );
  const byArea = table(
    'answers-area',
    t('trends.answers.area'),
    [t('trends.area'), t('trends.callouts'), t('trends.median'), t('trends.p90'), t('trends.escalated')],
    calloutAreas.items.map((item) => [
      { key: item.area, text: context.areaName(item.area) },
      cell(item.callouts),
      cell(item.answer_median_seconds ?? null, seconds),
      cell(item.answer_p90_seconds ?? null, seconds),
      cell(item.escalated_share ?? null, percent),
    ]),
  );
  answersSection.insertBefore(byArea, answersSection.querySelector('button.download'));

  const escalatedSection = section(
    'escalated',
    t('trends.escalated.title'),
    null,
    weekChart(
      'escalated',
      t('trends.escalated.title'),
      weeks,
      (week) => [{ name: t('trends.escalated'), value: Math.round((calloutOf.get(week)?.escalated_share ?? 0) * 100), css: 'escalated' }],
      { format: (value) => `${value} %` },
    ),
    table(
      'escalated',
      t('trends.escalated.title'),
      [t('trends.week'), t('trends.callouts'), t('trends.escalated.count'), t('trends.escalated'), t('trends.unstaffed')],
      weeks.map((week) => {
        const item = calloutOf.get(week) ?? {};
        return [
          { key: week, text: week },
          cell(item.callouts ?? 0),
          cell(item.escalated ?? 0),
          cell(item.escalated_share ?? null, percent),
          cell(unstaffedOf.get(week)?.unstaffed ?? 0),
        ];
      }),
    ),
    path('callouts', 'week'),
    errorNode,
  );

  const followOf = byKey(followups.items, 'week');
  const followSection = section(
    'followups',
    t('trends.followups'),
    t('trends.followups.note'),
    weekChart('followups', t('trends.followups'), weeks, (week) =>
      FOLLOWUPS.map((kind) => ({ name: t(`trends.${kind}`), value: followOf.get(week)?.[kind] ?? 0, css: `fu-${kind}` })),
    ),
    table(
      'followups',
      t('trends.followups'),
      [t('trends.week'), t('trends.due'), ...FOLLOWUPS.map((kind) => t(`trends.${kind}`))],
      weeks.map((week) => {
        const item = followOf.get(week) ?? {};
        return [{ key: week, text: week }, cell(item.due ?? 0), ...FOLLOWUPS.map((kind) => cell(item[kind] ?? 0))];
      }),
    ),
    path('followups', 'week'),
    errorNode,
  );
  const followLegend = h(
    'ul',
    { className: 'legend' },
    FOLLOWUPS.map((kind) => h('li', {}, h('span', { className: `swatch fu-${kind}`, 'aria-hidden': 'true' }), t(`trends.${kind}`))),
  );
  followSection.insertBefore(followLegend, followSection.querySelector('.figure'));

  replace(body, incidentsSection, areasSection, answersSection, escalatedSection, followSection);
  document.body.dataset.trendsLoaded = period;
}

/** Seconds as "45 s" or "3.5 min". */
function seconds(value) {
  if (value === null || value === undefined) return '—';
  return value < 120 ? `${number(value)} s` : t('trends.minutes', { n: number(value / 60) });
}

export async function show(main, context) {
  document.title = `${t('trends.title')} · ${t('app.name')}`;
  delete document.body.dataset.trendsLoaded;
  const body = h('div', { className: 'trends' });
  const error = h('p', { className: 'error', role: 'alert' });
  const picker = select(
    PERIODS.map((value) => [value, t(`trends.period.${value}`)]),
    period,
    {
      name: 'period',
      onchange: async (event) => {
        period = event.target.value;
        await refresh();
      },
    },
  );
  replace(
    main,
    h('h1', {}, t('trends.title')),
    h('p', { className: 'hint' }, t('trends.intro')),
    h('form', { className: 'period', onsubmit: (event) => event.preventDefault() }, field(t('trends.period'), picker)),
    error,
    body,
  );
  async function refresh() {
    try {
      await draw(body, context, error);
      error.textContent = '';
    } catch (failure) {
      error.textContent = failure.message;
    }
  }
  await refresh();
  return { refresh };
}
