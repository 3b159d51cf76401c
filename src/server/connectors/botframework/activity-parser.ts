import type { OlpFile, OlpMessage, TypeMessage } from '../../../protocol/index.js';
import { HookRejected, type InboundItem } from '../connector.js';
import type { Activity, ChannelAccount } from './activity.js';
import { SEAL_FIELD } from './service-url-seal.js';

/** An activity as the portal gets it: the virtual channel it came from, and its OLP items. */
export interface ParsedActivity {
  /** The activity's channelId (`msteams`), naming the virtual connector `botframework.<channel>`. */
  channel: string;
  items: InboundItem[];
}

export interface ParseContext {
  /** Unix seconds, for activities without a usable timestamp. */
  now: number;
  /** The seal of the activity's (service URL, conversation), see ServiceUrlSeal. */
  seal: string;
}

const MESSAGE_TYPES: Partial<Record<string, TypeMessage>> = {
  message: 'message',
  messageUpdate: 'message_update',
  messageDelete: 'message_del',
  typing: 'typing_start',
};

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';

const isWebUrl = (url: unknown): url is string => typeof url === 'string' && /^https?:\/\//i.test(url);

/**
 * Attachments that are files become OLP file links as the channel gives them; cards and other
 * inline content have no file to link and are left out.
 */
export function filesOf(activity: Activity): OlpFile[] {
  const files: OlpFile[] = [];
  for (const a of activity.attachments ?? []) {
    const download = (a.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
    const url = a.contentType === TEAMS_FILE ? download : a.contentUrl;
    if (!isWebUrl(url)) continue;
    const type = a.contentType === TEAMS_FILE ? undefined : a.contentType;
    files.push({ url, ...(a.name && { name: a.name }), ...(type && { type }) });
  }
  return files;
}

function dateOf(activity: Activity, now: number): number {
  const ms = activity.timestamp ? Date.parse(activity.timestamp) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : now;
}

const userOf = (account: ChannelAccount) => ({ id: account.id, ...(account.name && { name: account.name }) });

/**
 * Turns a verified Activity into OLP messages: message, messageUpdate, messageDelete and typing
 * one each; conversationUpdate a command_start per member added other than the bot itself (the
 * customer opened the conversation); other types nothing. Each message carries what the portal
 * keeps to answer: `from`, `recipient`, `service_url` and `conversation` (with the seal).
 */
export function parseActivity(activity: Activity, ctx: ParseContext): ParsedActivity {
  const date = dateOf(activity, ctx.now);
  const conversation = { ...activity.conversation, [SEAL_FIELD]: ctx.seal };
  const chat = {
    id: activity.conversation.id,
    ...(activity.conversation.name && { name: activity.conversation.name }),
  };
  const senderData = (from: ChannelAccount) => ({
    from,
    ...(activity.recipient && { recipient: activity.recipient }),
    service_url: activity.serviceUrl,
    conversation,
  });
  const result: ParsedActivity = { channel: activity.channelId, items: [] };

  if (activity.type === 'conversationUpdate') {
    const bot = activity.recipient?.id;
    for (const member of activity.membersAdded ?? []) {
      if (member.id === bot) continue;
      const item: OlpMessage = {
        type_message: 'command_start',
        user: userOf(member),
        chat,
        message: {
          id: `${activity.id ?? activity.conversation.id}:start:${member.id}`,
          date,
          ...senderData(member),
        },
      };
      result.items.push({ command: 'receivingMessage', item });
    }
    return result;
  }

  const type = MESSAGE_TYPES[activity.type];
  if (!type) return result;
  if (!activity.from) throw new HookRejected(400, `a ${activity.type} activity needs "from"`);
  if (!activity.id) throw new HookRejected(400, `a ${activity.type} activity needs "id"`);
  const withContent = type === 'message' || type === 'message_update';
  const files = withContent ? filesOf(activity) : [];
  const item: OlpMessage = {
    type_message: type,
    user: userOf(activity.from),
    chat,
    message: {
      id: activity.id,
      date,
      ...(withContent && activity.text !== undefined && { text: activity.text }),
      ...(files.length && { files }),
      ...senderData(activity.from),
    },
  };
  result.items.push({ command: 'receivingMessage', item });
  return result;
}
