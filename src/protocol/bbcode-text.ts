/**
 * Customer text inside OLP BB-code. A message's `text` mixes markup that a connector or the portal
 * wrote (formatting a channel sent as entities, emoji icons, rendered attachments) with what the
 * customer typed. Whoever puts typed text into markup escapes it, so that a customer typing
 * `[url=…]` or `[b]` is shown exactly that: `\` before `[`, `]` and `\` marks the next character
 * as literal (docs/protocol.md, "Customer text in BB-code").
 */
const SPECIAL = /[\\[\]]/g;

/** Escapes typed text for a BB-code message text. */
export function escapeBbText(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/** Undoes escapeBbText on a piece of text that holds no markup of its own. */
export function unescapeBbText(text: string): string {
  return text.replace(/\\([\\[\]])/g, '$1');
}
