import type { OlpUser } from '../../../protocol/index.js';

/** Name given to a customer the channel tells us nothing about. */
export const GUEST_NAME = 'Guest';

/**
 * Whether names from this connector come as "Last First". That is the seed's rule for Instagram,
 * which it applied to the connector id `instagram` only; with virtual ids it covers `instagram`
 * and `instagram.<anything>` (the real id is the part before the first dot). `fbinstagram` (the
 * Facebook-run Instagram API) gives names in the usual order and is not included, as in the seed.
 */
export function isInstagramConnector(connector: string): boolean {
  return connector.split('.', 1)[0] === 'instagram';
}

export interface ExternalUserFields {
  name: string;
  lastName: string | null;
  url: string | null;
  gender: string | null;
  email: string | null;
  phone: string | null;
}

const present = (v: string | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

/**
 * The stored fields of a channel user. A full name of exactly two words and no last name is split
 * into first and last (reversed for Instagram); with neither, the title (a page or company name)
 * is the name, else "Guest".
 */
export function userFields(connector: string, user: OlpUser): ExternalUserFields {
  let name = present(user.name);
  let lastName = present(user.last_name);
  if (name && !lastName) {
    const words = name.split(/\s+/);
    if (words.length === 2) {
      const [a, b] = words as [string, string];
      [name, lastName] = isInstagramConnector(connector) ? [b, a] : [a, b];
    }
  }
  if (!name && !lastName) name = present(user.title) ?? GUEST_NAME;
  return {
    name: name ?? '',
    lastName,
    url: present(user.url),
    gender: user.gender ?? null,
    email: present(user.email),
    phone: present(user.phone),
  };
}
