// api — every call the pages make to the server's JSON API (docs/api.md).
// The session's CSRF token goes in X-CSRF-Token on every change; errors
// come back as an ApiError carrying the status, the JSON code, the message,
// the field it is about and, for a refused import, the rows named. A
// sensitive operation the server wants a fresh one-time code for
// (reauth_required) is asked for once and sent again with X-TOTP-Code.

let csrf = '';

/** The CSRF token of the signed-in session (set by sign-in and by /api/session). */
export function setCsrf(token) {
  csrf = token || '';
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'http';
    this.field = e.field || null;
    this.rows = e.rows || [];
    this.data = e.data || null;
    this.retryAfter = null;
  }
}

/** "/api/households" with the query fields of PARAMS that are set. */
export function url(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.append(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function send(method, path, { params, json, form, totp } = {}) {
  const headers = {};
  let body;
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (totp) headers['X-TOTP-Code'] = totp;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form; // FormData: the browser writes the multipart boundary
  }
  const res = await fetch(url(path, params), { method, headers, body, credentials: 'same-origin' });
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.startsWith('application/json')) data = await res.json();
  if (res.status === 401 && !totp && data && data.error && data.error.code === 'reauth_required') {
    // a sensitive operation and the session's last code is over 10 minutes
    // old: ask for a fresh one and send the request again with it
    const code = window.prompt('此操作须重新输入动态验证码（上次输入已超过 10 分钟）。请输入手机验证器中的 6 位数字：');
    if (code && code.trim()) return send(method, path, { params, json, form, totp: code.trim() });
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    err.retryAfter = res.headers.get('Retry-After');
    throw err;
  }
  return data;
}

/** GET PATH with query PARAMS. */
export const get = (path, params) => send('GET', path, { params });
/** POST PATH with a JSON object of parameters. */
export const post = (path, json = {}) => send('POST', path, { json });
/** POST PATH as a multipart form (routes that take a file). */
export const upload = (path, form) => send('POST', path, { form });
/** DELETE PATH. */
export const del = (path) => send('DELETE', path);

let spec = null;

/** The roles allowed to call each operation ("event.record": [...]), from
 * the OpenAPI description the server makes from its operation table. */
export async function operationRoles() {
  if (!spec) {
    const doc = await get('/api/openapi.json');
    spec = {};
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        if (op.operationId && op['x-roles']) spec[op.operationId] = op['x-roles'];
      }
    }
  }
  return spec;
}

/** The first table of an answer, or null. */
export function table(answer) {
  return (answer && answer.tables && answer.tables[0]) || null;
}
