// The report form: a searchable area, the text and optional facts; the dry-run classification
// beside it while typing; sent once with an Idempotency-Key however often it is clicked.
import { newKey, post } from './api.js';
import { field, h, replace, select } from './dom.js';
import { t, term } from './i18n.js';

export function classificationView(classification) {
  if (!classification) return [h('p', {}, t('classify.empty'))];
  const signals = classification.signals ?? [];
  return [
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, t('classify.phase')),
      h('dd', { 'data-field': 'phase' }, term('phase', classification.phase)),
      h('dt', {}, t('classify.category')),
      h('dd', { 'data-field': 'category' }, term('category', classification.category)),
      h('dt', {}, t('classify.severity')),
      h('dd', { 'data-field': 'severity' }, String(classification.severity)),
      h('dt', {}, t('classify.confidence')),
      h('dd', {}, `${Math.round((classification.confidence ?? 0) * 100)} %`),
    ),
    classification.needs_review ? h('p', { className: 'flag review' }, t('classify.review')) : null,
    h('h3', {}, t('classify.signals')),
    signals.length
      ? h(
          'ul',
          { className: 'signals' },
          signals.map((signal) =>
            h('li', {}, `${signal.matched ? `“${signal.matched}” → ` : ''}${signal.vote} (${signal.kind}, ${signal.rule}, ${signal.weight})`),
          ),
        )
      : h('p', {}, t('classify.nosignals')),
  ];
}

export async function show(main, context) {
  document.title = `${t('report.title')} · ${t('app.name')}`;
  const areas = [...context.areas().values()].filter((area) => area.active !== false);
  const listID = 'area-list';
  const area = h('input', { type: 'text', name: 'area', list: listID, autocomplete: 'off', required: true });
  const list = h('datalist', { id: listID }, areas.map((a) => h('option', { value: a.name }, `${a.name} (${a.city})`)));
  const text = h('textarea', { name: 'text', rows: 5, required: true });
  const phase = select(
    [
      ['', t('report.phase.auto')],
      ['before', term('phase', 'before')],
      ['during', term('phase', 'during')],
      ['after', term('phase', 'after')],
    ],
    '',
    { name: 'phase' },
  );
  const ongoing = select(
    [
      ['', t('report.ongoing.unknown')],
      ['true', t('report.yes')],
      ['false', t('report.no')],
    ],
    '',
    { name: 'ongoing' },
  );
  const injured = h('input', { type: 'number', name: 'injured', min: 0, max: 10000, inputmode: 'numeric' });
  const location = h('input', { type: 'text', name: 'location', autocomplete: 'off' });
  const submit = h('button', { type: 'submit' }, t('report.submit'));
  const error = h('p', { className: 'error', role: 'alert' });
  const live = h('div', { id: 'classification' }, classificationView(null));

  function facts() {
    const body = { text: text.value };
    if (phase.value) body.phase = phase.value;
    if (ongoing.value) body.ongoing = ongoing.value === 'true';
    if (injured.value !== '') body.injured = Number(injured.value);
    return body;
  }

  let timer = null;
  let asked = 0;
  function classifySoon() {
    key = null; // a changed form is a new report
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!text.value.trim()) return replace(live, classificationView(null));
      const ticket = ++asked;
      try {
        const result = await post('/v1/classify', facts());
        if (ticket === asked) replace(live, classificationView(result.classification ?? result));
      } catch (failure) {
        if (ticket === asked) replace(live, h('p', { className: 'error' }, failure.message));
      }
    }, 250);
  }
  for (const control of [text, phase, ongoing, injured]) control.addEventListener('input', classifySoon);

  function areaID() {
    const typed = area.value.trim().toLowerCase();
    const found = areas.find((a) => a.name.toLowerCase() === typed || a.id === typed);
    return found ? found.id : area.value.trim();
  }

  let key = null;
  let sending = false;
  const form = h(
    'form',
    {
      className: 'report',
      onsubmit: async (event) => {
        event.preventDefault();
        if (sending) return;
        sending = true;
        submit.disabled = true;
        submit.textContent = t('report.sending');
        key = key ?? newKey();
        const body = { ...facts(), area: areaID() };
        if (location.value.trim()) body.location = location.value.trim();
        try {
          const created = await post('/v1/reports', body, { key });
          window.location.hash = `#/incident/${encodeURIComponent(created.incident.id)}`;
        } catch (failure) {
          error.textContent = failure.message;
        } finally {
          sending = false;
          submit.disabled = false;
          submit.textContent = t('report.submit');
        }
      },
    },
    field(t('report.area'), area, t('report.area.hint')),
    list,
    field(t('report.text'), text),
    field(t('report.phase'), phase),
    field(t('report.ongoing'), ongoing),
    field(t('report.injured'), injured),
    field(t('report.location'), location),
    submit,
  );
  replace(
    main,
    h('h1', {}, t('report.title')),
    error,
    h(
      'div',
      { className: 'split' },
      form,
      h('section', { 'aria-labelledby': 'classify-title', 'aria-live': 'polite', className: 'panel' }, h('h2', { id: 'classify-title' }, t('classify.title')), live),
    ),
  );
  return { refresh() {} };
}
