import { api, isMissing } from './api.js';

/**
 * Operator actions. Each one names the REST route it uses; when the portal answers 404 the
 * feature is not there and the caller shows so rather than failing.
 */
export const ops = {
  /** @param {number} chatId @param {string} text */
  reply: (chatId, text) =>
    api('POST', `/api/chats/${chatId}/replies`, { text, clientKey: crypto.randomUUID() }),
  /** @param {number} messageId */
  resend: (messageId) => api('POST', `/api/messages/${messageId}/resend`),
  /** @param {number} messageId @param {string} text */
  edit: (messageId, text) => api('PATCH', `/api/messages/${messageId}`, { text }),
  /** @param {number} messageId */
  remove: (messageId) => api('DELETE', `/api/messages/${messageId}`),
  /** @param {number} chatId */
  markRead: (chatId) => api('POST', `/api/chats/${chatId}/read`),
  /** @param {number} chatId */
  session: (chatId) => api('GET', `/api/chats/${chatId}/session`),
  /** @param {number} chatId @param {'accept' | 'skip' | 'close'} action */
  act: (chatId, action) => api('POST', `/api/chats/${chatId}/${action}`),
  /** @param {number} chatId @param {{operatorId?: number, lineId?: number}} to */
  transfer: (chatId, to) => api('POST', `/api/chats/${chatId}/transfer`, to),
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
