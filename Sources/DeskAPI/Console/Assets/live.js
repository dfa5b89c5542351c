// The live event stream (GET /v1/events) read with fetch() and a streaming reader, because
// EventSource cannot send the session's secret header. Parses server-sent events as the HTML
// standard says (fields, comments, multi-line data, CR/LF line ends), resumes with Last-Event-ID
// and reconnects after the server's `retry:` delay as EventSource would.
import { sessionHeaders } from './api.js';

/** Delay before reconnecting after a refusal other than 401 (e.g. 503: every stream slot taken). */
const REFUSED_DELAY = 5000;

/**
 * Follows the stream at `path` until `stop()` is called.
 * - `onOpen()`: a stream is open.
 * - `onEvent(type, data, id)`: one event (`data` as text).
 * - `onDown()`: the stream is down (network, refusal, end); it will reconnect by itself.
 * - `onRefused(status)`: the session no longer counts (401): no reconnect.
 */
export function follow(path, { onOpen, onEvent, onDown, onRefused }) {
  let lastID = null;
  let retry = 2000;
  let stopped = false;
  let controller = null;
  let timer = null;

  function later(delay) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
  }

  async function connect() {
    if (stopped) return;
    controller = new AbortController();
    const headers = sessionHeaders({ Accept: 'text/event-stream' });
    if (lastID !== null) headers['Last-Event-ID'] = lastID;
    let response;
    try {
      response = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
    } catch {
      if (!stopped) onDown();
      return later(retry);
    }
    if (response.status === 401) {
      stopped = true;
      return onRefused(response.status);
    }
    if (!response.ok || !response.body) {
      response.body?.cancel().catch(() => {});
      if (!stopped) onDown();
      return later(REFUSED_DELAY);
    }
    onOpen();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    let type = '';
    let data = [];
    let id = lastID;
    const line = (text) => {
      if (text === '') {
        // A blank line dispatches the event gathered so far.
        lastID = id;
        if (data.length) onEvent(type || 'message', data.join('\n'), lastID);
        type = '';
        data = [];
        return;
      }
      if (text.startsWith(':')) return;
      const colon = text.indexOf(':');
      const name = colon < 0 ? text : text.slice(0, colon);
      let value = colon < 0 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (name === 'event') type = value;
      else if (name === 'data') data.push(value);
      else if (name === 'id' && !value.includes('\0')) id = value;
      else if (name === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        // A CR at the very end may be the first half of a CRLF: it waits for the next chunk.
        const held = pending.endsWith('\r');
        const lines = (held ? pending.slice(0, -1) : pending).split(/\r\n|\r|\n/);
        pending = lines.pop() + (held ? '\r' : '');
        for (const text of lines) line(text);
      }
    } catch {
      // Aborted, or the connection broke: reconnect below.
    }
    if (stopped) return;
    onDown();
    later(retry);
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
