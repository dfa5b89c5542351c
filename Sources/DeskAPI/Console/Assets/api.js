// Talking to deskd: same origin, the session cookie, the CSRF header on writes, problem+json as errors.

let csrfToken = null;

/** Remembers the session's CSRF token (from /v1/console/me) for later writes. */
export function setCsrf(token) {
  csrfToken = token;
}

/** An API refusal: the problem's title and detail, as readable text. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.title ? `${problem.title}: ${problem.detail || ''}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
  }
}

/** A random key for Idempotency-Key (works without a secure context). */
export function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends a request; resolves to the decoded JSON (or null), rejects with ApiError. */
export async function api(method, path, body, { key } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-Desk-CSRF'] = csrfToken;
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
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
