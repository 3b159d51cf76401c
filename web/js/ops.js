import { api, isMissing } from './api.js';

/**
 * Operator actions. Each one names the REST route it uses; when the portal answers 404 the
 * feature is not there and the caller shows so rather than failing.
 */
export const ops = {
  /** @param {number} chatId @param {string} text @param {string[]} [fileIds] from upload() */
  reply: (chatId, text, fileIds = []) =>
    api('POST', `/api/chats/${chatId}/replies`, { text, fileIds, clientKey: crypto.randomUUID() }),
  /** Stores a file to send in a reply; the body is the raw bytes. @param {File} file */
  upload: (file) =>
    api(
      'POST',
      `/api/uploads?name=${encodeURIComponent(file.name)}${file.type ? `&type=${encodeURIComponent(file.type)}` : ''}`,
      file,
    ),
  /** @param {number} messageId */
  resend: (messageId) => api('POST', `/api/messages/${messageId}/resend`),
  /** @param {number} messageId @param {string} text */
  edit: (messageId, text) => api('PATCH', `/api/messages/${messageId}`, { text }),
  /** @param {number} messageId */
  remove: (messageId) => api('DELETE', `/api/messages/${messageId}`),
  /** @param {number} chatId */
  markRead: (chatId) => api('POST', `/api/chats/${chatId}/read`),
  /** Sessions of a line, newest first. @param {string} lineId */
  sessions: (lineId) => api('GET', `/api/sessions?lineId=${encodeURIComponent(lineId)}&limit=500`),
  /** @param {string} lineId */
  queue: (lineId) => api('GET', `/api/sessions/queue?lineId=${encodeURIComponent(lineId)}`),
  /** @param {number} sessionId @param {'accept' | 'skip' | 'close'} action */
  act: (sessionId, action) => api('POST', `/api/sessions/${sessionId}/${action}`),
  /** Status changes and routing decisions of a session. @param {number} sessionId */
  history: (sessionId) => api('GET', `/api/sessions/${sessionId}/history`),
  /** @param {number} sessionId @param {{toOperatorId: number} | {toLineId: number}} to */
  transfer: (sessionId, to) => api('POST', `/api/sessions/${sessionId}/transfer`, to),
  /** @param {string} lineId */
  quickAnswers: (lineId) => api('GET', `/api/lines/${encodeURIComponent(lineId)}/quick-answers`),
  presence: () => api('GET', '/api/operators/me/presence'),
  /** @param {'online' | 'away' | 'offline'} status */
  setPresence: (status) => api('PUT', '/api/operators/me/presence', { status }),
};

/**
 * Runs an action; resolves to "missing" when the portal does not serve it.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T | 'missing'>}
 */
export async function optional(fn) {
  try {
    return await fn();
  } catch (err) {
    if (isMissing(err)) return 'missing';
    throw err;
  }
}
