// The duty console: signs in, draws the header, routes by the address's #fragment, keeps the
// current page live from the server-sent event stream (or by polling while it is down).
import { ApiError, get, post, secret, setSecret } from './api.js';
import { follow } from './live.js';
import { h, replace, field, select } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import * as board from './board.js';
import * as report from './report.js';
import * as incident from './incident.js';
import * as duty from './duty.js';
import * as trends from './trends.js';

const top = document.getElementById('top');
const main = document.getElementById('main');
const state = { me: null, areas: new Map(), view: null, live: 'connecting' };

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, id] = hash.split('/');
  if (page === 'incident' && id) return { page: 'incident', id: decodeURIComponent(id) };
  if (page === 'report' || page === 'duty' || page === 'trends') return { page };
  return { page: 'board' };
}

async function loadAreas() {
  const page = await get('/v1/areas?limit=500');
  state.areas = new Map(page.items.map((area) => [area.id, area]));
}

/** The area's display name. */
export function areaName(id) {
  return state.areas.get(id)?.name ?? id;
}

function drawHeader() {
  document.querySelector('.skip').textContent = t('skip');
  const current = route().page;
  const link = (page, key) =>
    h('a', { href: `#/${page}`, 'aria-current': current === page ? 'page' : undefined }, t(key));
  const language = select(
    [
      ['sv', 'Svenska'],
      ['en', 'English'],
    ],
    lang(),
    {
      onchange: (event) => {
        setLang(event.target.value);
        render();
      },
    },
  );
  replace(
    top,
    h(
      'div',
      { className: 'bar' },
      h('p', { className: 'brand' }, `${t('app.name')} · ${t('app.console')}`),
      state.me
        ? h(
            'nav',
            { 'aria-label': t('nav.label') },
            h('ul', {}, h('li', {}, link('board', 'nav.board')), h('li', {}, link('report', 'nav.report')), h('li', {}, link('duty', 'nav.duty')), h('li', {}, link('trends', 'nav.trends'))),
          )
        : null,
      h(
        'div',
        { className: 'tools' },
        field(t('lang.label'), language),
        state.me ? h('p', { className: 'who' }, t('who', { actor: state.me.actor, role: state.me.role })) : null,
        state.me ? h('button', { type: 'button', onclick: signOut }, t('signout')) : null,
      ),
    ),
    h('p', { id: 'live', className: 'live', role: 'status' }, state.me ? t(`live.${state.live}`) : ''),
  );
}

function setLive(mode) {
  state.live = mode;
  const status = document.getElementById('live');
  if (status && state.me) status.textContent = t(`live.${mode}`);
  document.body.dataset.live = mode;
}

async function signOut() {
  try {
    await post('/console/sign-out');
  } finally {
    signedOut(t('signin.ended'));
  }
}

/** Back to the sign-in form, forgetting the session's secret. */
function signedOut(message) {
  closeStream();
  state.me = null;
  setSecret(null);
  showSignIn(message);
}

/** The note for a 429: the desk is busy, try again in N s. */
function busy(error) {
  return t('signin.busy', { n: error.retryAfter ?? 10 });
}

function showSignIn(message) {
  document.title = `${t('signin.title')} · ${t('app.name')}`;
  drawHeader();
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true });
  const error = h('p', { className: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          setSecret((await post('/console/sign-in', { token: token.value.trim() })).csrf_token);
          token.value = '';
          await start();
        } catch (failure) {
          error.textContent = failure instanceof ApiError && failure.status === 429 ? busy(failure) : failure.message;
        }
      },
    },
    field(t('signin.token'), token),
    h('button', { type: 'submit' }, t('signin.submit')),
  );
  replace(main, h('h1', {}, t('signin.title')), h('p', {}, t('signin.how')), error, form);
}

// Live changes, coalesced (security review M5): a refresh of the current page starts SETTLE ms
// after a change at the earliest and REFRESH_INTERVAL ms after the previous refresh at the
// earliest, however many events arrive: a burst costs one board fetch per interval per console,
// not one per event. (Fetching only the incident an event names would not do: a board card's
// call-out counts come from /v1/console/board alone, and an event may close or reorder incidents.)
// An incident's page ignores the events of other incidents.
const SETTLE = 150;
const REFRESH_INTERVAL = 2000;
let refreshTimer = null;
let refreshing = false;
let dirty = false;
let lastRefresh = 0;

/** Something changed: `event` is the live event (or null: anything may have changed). */
function changed(event) {
  const where = route();
  if (event && event.incident_id && where.page === 'incident' && event.incident_id !== where.id) return;
  dirty = true;
  scheduleRefresh();
}

function scheduleRefresh() {
  if (refreshTimer || refreshing) return;
  refreshTimer = setTimeout(runRefresh, Math.max(SETTLE, lastRefresh + REFRESH_INTERVAL - Date.now()));
}

async function runRefresh() {
  refreshTimer = null;
  if (!dirty) return;
  dirty = false;
  refreshing = true;
  lastRefresh = Date.now();
  try {
    await state.view?.refresh?.();
  } finally {
    refreshing = false;
    if (dirty) scheduleRefresh();
  }
}

function parsed(data) {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

let stream = null;
let pollTimer = null;
function closeStream() {
  stream?.stop();
  stream = null;
  clearInterval(pollTimer);
  pollTimer = null;
}

function openStream() {
  // Polling, once started, goes on until a stream is open again.
  stream?.stop();
  stream = follow('/v1/events', {
    onOpen: () => {
      setLive('stream');
      clearInterval(pollTimer);
      pollTimer = null;
      changed(null);
    },
    onEvent: (type, data) => {
      if (type === 'timeline') changed(parsed(data));
      else if (type === 'reset') changed(null);
    },
    onDown: () => {
      // The stream reconnects by itself (with Last-Event-ID); meanwhile, poll.
      setLive('polling');
      if (!pollTimer) pollTimer = setInterval(() => changed(null), 2000);
    },
    // The session ended (signed out elsewhere, expired, ended by an admin).
    onRefused: () => signedOut(t('signin.expired')),
  });
}

async function render() {
  document.documentElement.lang = lang();
  drawHeader();
  const where = route();
  const context = { me: state.me, areaName, areas: () => state.areas, main, t };
  const views = { board, report, incident, duty, trends };
  replace(main);
  state.view = await views[where.page].show(main, context, where.id);
  main.focus({ preventScroll: true });
}

/** A sign-in code from `deskctl console`, in the address's fragment (`#code=…`), if any. */
function codeInAddress() {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('code');
}

async function start() {
  const note = new URLSearchParams(location.search).get('signin');
  const code = codeInAddress();
  // Neither the code nor a note stays in the address (or in the history).
  if (location.search || code) history.replaceState(null, '', location.pathname + (code ? '' : location.hash));
  if (code) {
    // The fragment never reaches a server: the page alone redeems the code, by POST.
    try {
      setSecret((await post('/console/sign-in', { code })).csrf_token);
    } catch (error) {
      closeStream();
      state.me = null;
      if (error instanceof ApiError && error.status === 429) return showSignIn(busy(error));
      return showSignIn(error instanceof ApiError && error.status === 401 ? t('signin.refused') : error.message);
    }
  }
  // Without the session's secret the cookie opens nothing: no need to ask.
  if (!secret()) {
    state.me = null;
    return showSignIn(note === 'link' ? t('signin.link') : '');
  }
  try {
    state.me = await get('/v1/console/me');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      return signedOut('');
    }
    if (error instanceof ApiError && error.status === 429) {
      // The desk refuses this address for now: the form, and when to try again.
      state.me = null;
      return showSignIn(busy(error));
    }
    replace(main, h('h1', {}, t('error.generic')), h('p', { role: 'alert' }, error.message));
    return;
  }
  await loadAreas();
  openStream();
  await render();
}

// A sign-in link opened in a tab that shows the console already changes only the fragment.
window.addEventListener('hashchange', () => (codeInAddress() ? start() : state.me && render()));
document.documentElement.lang = lang();
start();
