import type { TestPortal } from './portal.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The raw body text, to check it byte for byte. */
  text: string;
  body: T;
}

/** Calls the portal's REST API like the UI does: JSON in, JSON out, optional bearer token. */
export async function api<T = unknown>(
  portal: Pick<TestPortal, 'url'>,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${portal.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = undefined;
  if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body: body as T };
}

/** Signs in and returns the bearer token. */
export async function login(
  portal: Pick<TestPortal, 'url'>,
  email: string,
  password: string,
): Promise<string> {
  const res = await api<{ token: string }>(portal, 'POST', '/api/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
  return res.body.token;
}

/** The first admin of a test portal (startPortal sets ADMIN_PASSWORD). */
export const testAdmin = { email: 'admin@switchboard.local', password: 'admin-password' };
