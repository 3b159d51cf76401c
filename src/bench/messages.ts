import { signPacket, type KeyRing } from '../protocol/index.js';
import type { PreparedRequest } from './load.js';

export interface Peer {
  keys: KeyRing;
  iss: string;
  aud: string;
}

let seq = 0;

/** An OLP message shaped like a Telegram text message after the server parsed it. */
export function benchMessage(chat: number): Record<string, unknown> {
  const id = ++seq;
  return {
    type_message: 'message',
    user: { id: `u${chat}`, name: `Customer ${chat}` },
    chat: { id: `c${chat}` },
    message: { id: `m${id}`, date: 1_790_000_000 + id, text: `Hello :) message ${id} with some words in it` },
  };
}

/** Signed receivingMessage packets of `batch` messages each, spread over `chats` chats. */
export async function receivingMessagePackets(
  peer: Peer,
  count: number,
  batch: number,
  chats = 200,
): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const data = Array.from({ length: batch }, (_, j) => benchMessage((i * batch + j) % chats));
    const body = JSON.stringify({ command: 'receivingMessage', connector: 'telegrambot', line: '1', data });
    const token = await signPacket({
      iss: peer.iss,
      aud: peer.aud,
      command: 'receivingMessage',
      rawBody: body,
      keys: peer.keys,
    });
    out.push({ path: '/olp/v1/input', body, headers: { authorization: `Bearer ${token}` } });
  }
  return out;
}
