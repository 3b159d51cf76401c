import { create as contentDisposition } from 'content-disposition';

/**
 * Whether a stored file may be shown inline from our origin. Only media that a browser cannot
 * run as a document qualify; SVG (script-capable XML), HTML and everything else download.
 */
export function mayShowInline(mime: string): boolean {
  const [type, subtype = ''] = mime.toLowerCase().split('/');
  if (type === 'image') return !subtype.includes('svg') && !subtype.includes('xml');
  return type === 'audio' || type === 'video';
}

/** The Content-Disposition header for serving a stored file. */
export function dispositionFor(mime: string, name: string): string {
  return contentDisposition(name, { type: mayShowInline(mime) ? 'inline' : 'attachment' });
}
