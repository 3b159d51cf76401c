import { isIP } from 'node:net';

/**
 * Checks FILE_ALLOW_HOSTS entries. They are IP addresses or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`,
 * `::1`, `fd00::/8`), never host names: the filter judges the address a connection actually goes to,
 * after DNS, so a name in the list could not be enforced (and would invite DNS rebinding). An entry
 * that is neither is a configuration error, reported at start rather than silently ignored.
 */
export function parseAddressAllowList(entries: readonly string[]): string[] {
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length) {
    throw new Error(
      `FILE_ALLOW_HOSTS: ${bad.map((b) => JSON.stringify(b)).join(', ')} ` +
        'must be IP addresses or CIDR ranges (host names cannot be enforced after DNS resolution)',
    );
  }
  return [...entries];
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (address === undefined || rest.length) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
