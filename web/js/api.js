const TOKEN_KEY = 'switchboard.token';
const USER_KEY = 'switchboard.user';

/** An answer of the REST API that was not 2xx. */
export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {unknown} body */
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** @returns {{token: string, user: {id: number, email: string, name: string, role: string}} | null} */
export function session() {
  const token = localStorage.getItem(TOKEN_KEY);
  const user = localStorage.getItem(USER_KEY);
  if (!token || !user) return null;
  try {
    return { token, user: JSON.parse(user) };
  } catch {
    return null;
  }
}

/** @param {{token: string, user: unknown}} login */
export function saveSession(login) {
  localStorage.setItem(TOKEN_KEY, login.token);
  localStorage.setItem(USER_KEY, JSON.stringify(login.user));
}

export function clearSession() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(USER_KEY);
}

/** Called when the token is refused, so the app can go back to the sign-in page. */
let onUnauthorized = () => {};
/** @param {() => void} fn */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

/**
 * Calls the portal's REST API with the bearer token; JSON in and out.
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  // A Blob (a file to upload) goes as its raw bytes; anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = raw ? 'application/octet-stream' : 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  /** @type {any} */
  let data = null;
  if (text && res.headers.get('content-type')?.includes('json')) data = JSON.parse(text);
  if (!res.ok) {
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthorized();
    throw new ApiError(res.status, errorText(data) ?? `${res.status} ${res.statusText}`, data);
  }
  return data;
}

/** @param {any} data */
function errorText(data) {
  if (!data) return undefined;
  if (Array.isArray(data.message)) return data.message.join('; ');
  if (typeof data.message === 'string') return data.message;
  if (Array.isArray(data.error)) return data.error.map((e) => `${e.code}: ${e.message}`).join('; ');
  return undefined;
}

/** Whether an error means the endpoint is not there (an older portal, or a feature not built yet). */
export const isMissing = (/** @type {unknown} */ err) =>
  err instanceof ApiError &&
  (err.status === 404 || err.status === 405) &&
  !/does not exist|no such/i.test(err.message);
