import { z } from 'zod';

/** A Bot Framework channel account (`from`, `recipient`, a member added). */
export const channelAccountSchema = z.looseObject({
  id: z.string().min(1).max(255),
  name: z.string().max(1024).optional(),
});
export type ChannelAccount = z.output<typeof channelAccountSchema>;

export const conversationAccountSchema = z.looseObject({
  id: z.string().min(1).max(255),
  name: z.string().max(1024).optional(),
  isGroup: z.boolean().optional(),
});
export type ConversationAccount = z.output<typeof conversationAccountSchema>;

export const attachmentSchema = z.looseObject({
  contentType: z.string().max(255).optional(),
  contentUrl: z.string().max(8192).optional(),
  name: z.string().max(1024).optional(),
  content: z.unknown().optional(),
});

/**
 * The parts of a Bot Framework Activity (Bot Connector API v3) the connector reads; everything
 * else passes through unread. `channelId` names the virtual channel (`msteams`, `skype`, ...).
 */
export const activitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(255).optional(),
  timestamp: z.string().optional(),
  serviceUrl: z.url(),
  channelId: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/i, 'must be a channel id such as msteams or webchat')
    .transform((id) => id.toLowerCase()),
  from: channelAccountSchema.optional(),
  recipient: channelAccountSchema.optional(),
  conversation: conversationAccountSchema,
  text: z.string().max(1_000_000).optional(),
  attachments: z.array(attachmentSchema).max(100).optional(),
  membersAdded: z.array(channelAccountSchema).max(1000).optional(),
});
export type Activity = z.output<typeof activitySchema>;
