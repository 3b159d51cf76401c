import type { TgMessageEntity } from './telegram.types.js';

interface Tag {
  open: string;
  close: string;
}

/** `]` would end the tag early; percent-encoding keeps the address the same. */
const tagUrl = (url: string) => url.replace(/]/g, '%5D');

function tagOf(entity: TgMessageEntity, covered: string): Tag | null {
  switch (entity.type) {
    case 'bold':
      return { open: '[b]', close: '[/b]' };
    case 'italic':
      return { open: '[i]', close: '[/i]' };
    case 'underline':
      return { open: '[u]', close: '[/u]' };
    case 'strikethrough':
      return { open: '[s]', close: '[/s]' };
    case 'code':
    case 'pre':
      return { open: '[code]', close: '[/code]' };
    case 'text_link':
      return entity.url ? { open: `[url=${tagUrl(entity.url)}]`, close: '[/url]' } : null;
    case 'url':
      return { open: `[url=${tagUrl(covered)}]`, close: '[/url]' };
    default:
      return null;
  }
}

interface Span {
  start: number;
  end: number;
  tag: Tag;
}

/**
 * Writes Telegram's formatting entities into BB-code. Offsets and lengths count UTF-16 code units,
 * which is how JavaScript indexes strings, so they apply to the text as is (an emoji counts two).
 * Entities nest; should two overlap without nesting, the inner tags are closed and reopened
 * around the boundary so that the BB-code stays well nested.
 */
export function entitiesToBbCode(text: string, entities: readonly TgMessageEntity[] | undefined): string {
  const spans: Span[] = [];
  for (const entity of entities ?? []) {
    const start = Math.max(0, entity.offset);
    const end = Math.min(text.length, entity.offset + entity.length);
    if (end <= start) continue;
    const tag = tagOf(entity, text.slice(start, end));
    if (tag) spans.push({ start, end, tag });
  }
  if (!spans.length) return text;
  // Outer spans first: earlier start, then longer.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);

  const bounds = [...new Set(spans.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  const open: Span[] = [];
  let out = '';
  let at = 0;
  let next = 0;
  for (const pos of bounds) {
    out += text.slice(at, pos);
    at = pos;
    // Close everything that ends here, together with any span opened inside it (reopened after).
    const firstEnding = open.findIndex((s) => s.end === pos);
    if (firstEnding >= 0) {
      const closing = open.splice(firstEnding);
      for (const span of [...closing].reverse()) out += span.tag.close;
      for (const span of closing) {
        if (span.end > pos) {
          out += span.tag.open;
          open.push(span);
        }
      }
    }
    while (next < spans.length && spans[next].start === pos) {
      out += spans[next].tag.open;
      open.push(spans[next]);
      next++;
    }
  }
  return out + text.slice(at);
}
