// Talking to deskd: same origin, the session cookie plus the session's secret in X-Desk-CSRF on
// every request (reads and the live stream too), problem+json as errors.
//
// The cookie alone opens nothing: cookies ignore ports, so any other listener on the desk's host
// receives it. The secret comes only in the answer to sign-in and is kept in localStorage, which
// belongs to this origin (scheme, host and port) alone; all tabs of the console share it, and
// sign-out or a refused session removes it.

const SECRET_KEY = 'desk.session';

/** The session's secret, if this browser holds one. */
export function secret() {
  try {
    return localStorage.getItem(SECRET_KEY);
  } catch {
    return null;
  }
}

/** Keeps the secret from a sign-in answer; null forgets it. */
export function setSecret(value) {
  try {
    if (value) localStorage.setItem(SECRET_KEY, value);
    else localStorage.removeItem(SECRET_KEY);
  } catch {
    // Storage refused (a locked-down browser): the session then works for no request.
  }
}

/** Headers every request carries: the session's secret, when there is one. */
export function sessionHeaders(extra = {}) {
  const headers = { ...extra };
  const value = secret();
  if (value) headers['X-Desk-CSRF'] = value;
  return headers;
}

/** An API refusal: the problem's title and detail, as readable text; `retryAfter` in seconds, if given. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem && problem.title ? `${problem.title}: ${problem.detail || ''}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
    this.retryAfter = retryAfter;
  }
}

/** A random key for Idempotency-Key (works without a secure context). */
export function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends a request; resolves to the decoded JSON (or null), rejects with ApiError. */
export async function api(method, path, body, { key, accept } = {}) {
  const headers = sessionHeaders({ Accept: accept ?? 'application/json' });
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, { title: 'Network', detail: String(error.message || error) });
  }
  const text = await response.text();
  if (response.ok && accept && accept !== 'application/json') return text;
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(response.status, data, Number.isFinite(retry) ? retry : null);
  }
  return data;
}

export const get = (path) => api('GET', path);
/** `GET path` as text of the media type `accept` (e.g. text/csv); errors as for JSON. */
export const getText = (path, accept) => api('GET', path, undefined, { accept });
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
