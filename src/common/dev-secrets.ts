import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Returns the secret kept in `file`, creating it with `make()` on first use. This is how the
 * single-machine start gets stable development keys without any configuration.
 */
export function keptSecret(
  file: string,
  make: () => string = () => randomBytes(32).toString('base64url'),
): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
