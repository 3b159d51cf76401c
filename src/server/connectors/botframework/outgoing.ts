import { z } from 'zod';
import type { OlpOutgoing } from '../../../protocol/index.js';
import { channelAccountSchema, conversationAccountSchema } from './activity.js';
import { bbcodeToMarkdown } from './bbcode.js';
import { SEAL_FIELD } from './service-url-seal.js';

/** What the portal mixes into `message` from the chat's stored Bot Framework sender data. */
const addressSchema = z.looseObject({
  from: channelAccountSchema,
  recipient: channelAccountSchema.optional(),
  service_url: z.url(),
  conversation: conversationAccountSchema.extend({ [SEAL_FIELD]: z.string().min(1) }),
});

export interface ReplyAddress {
  serviceUrl: string;
  /** The conversation as the Bot Connector named it (without the seal). */
  conversation: z.output<typeof conversationAccountSchema>;
  seal: string;
  /** The bot. */
  from: z.output<typeof channelAccountSchema>;
  /** The customer. */
  recipient?: z.output<typeof channelAccountSchema>;
}

/** Where a reply goes, from the item's mixed-in sender data; null when it lacks any of it. */
export function replyAddressOf(item: OlpOutgoing): ReplyAddress | null {
  const parsed = addressSchema.safeParse(item.message);
  if (!parsed.success) return null;
  const { [SEAL_FIELD]: seal, ...conversation } = parsed.data.conversation;
  return {
    serviceUrl: parsed.data.service_url,
    conversation,
    seal,
    from: parsed.data.from,
    ...(parsed.data.recipient && { recipient: parsed.data.recipient }),
  };
}

/** The channel's id of the message to update or delete: the (first) external id the portal keeps. */
export function externalIdOf(item: OlpOutgoing): string | null {
  const id = item.message.id;
  const first = Array.isArray(id) ? id[0] : id;
  return first === undefined || first === '' ? null : first;
}

/** A message Activity for the Bot Connector: markdown text, files as attachments by link. */
export function messageActivity(
  item: OlpOutgoing,
  address: ReplyAddress,
  id?: string,
): Record<string, unknown> {
  const files = item.message.files ?? [];
  return {
    type: 'message',
    ...(id !== undefined && { id }),
    from: address.from,
    ...(address.recipient && { recipient: address.recipient }),
    conversation: address.conversation,
    text: bbcodeToMarkdown(item.message.text),
    textFormat: 'markdown',
    ...(files.length && {
      attachments: files.map((f) => ({
        contentType: f.type || 'application/octet-stream',
        contentUrl: f.url,
        name: f.name,
      })),
    }),
  };
}
