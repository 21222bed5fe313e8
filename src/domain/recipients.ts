// Recipient lists: "a@example.com, b@example.com" → validated, de-duplicated bare addresses.
// Only bare addresses are accepted (no display names, no groups), so nothing a user types can
// add a header or a recipient the list does not show.
import validator from 'validator';
import { HeraldError } from './errors.js';
import { MAX_RECIPIENTS, MAX_RECIPIENTS_INPUT_LENGTH } from './limits.js';

export function parseRecipients(input: string | readonly string[]): string[] {
  const parts = (typeof input === 'string' ? [input] : input).flatMap((chunk) => {
    if (chunk.length > MAX_RECIPIENTS_INPUT_LENGTH) throw new HeraldError('FIELD_TOO_LONG', { field: 'to', max: MAX_RECIPIENTS_INPUT_LENGTH });
    return chunk.split(/[,;]/);
  });
  const addresses: string[] = [];
  const seen = new Set<string>();
  for (const raw of parts) {
    const address = raw.trim();
    if (address === '') continue;
    if (!isValidAddress(address)) throw new HeraldError('INVALID_RECIPIENT', { address: printable(address) });
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(address);
  }
  if (addresses.length === 0) throw new HeraldError('NO_RECIPIENTS', {});
  if (addresses.length > MAX_RECIPIENTS) throw new HeraldError('TOO_MANY_RECIPIENTS', { max: MAX_RECIPIENTS });
  return addresses;
}

function isValidAddress(address: string): boolean {
  return (
    !/[\s<>"()\\\u0000-\u001f\u007f]/.test(address) &&
    validator.isEmail(address, { allow_display_name: false, allow_ip_domain: false, require_tld: true, allow_utf8_local_part: false })
  );
}

/** Throws unless every address is in one of `allowedDomains` (or a subdomain). An empty list allows all. */
export function assertRecipientDomainsAllowed(addresses: readonly string[], allowedDomains: readonly string[]): void {
  if (allowedDomains.length === 0) return;
  const allowedLower = allowedDomains.map((d) => d.trim().toLowerCase());
  for (const address of addresses) {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    const allowed = allowedLower.some((d) => domain === d || domain.endsWith(`.${d}`));
    if (!allowed) throw new HeraldError('RECIPIENT_DOMAIN_NOT_ALLOWED', { address, allowed: allowedDomains });
  }
}

/** Echo user input back safely: control characters shown as �, long input cut. */
function printable(value: string): string {
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, '�');
  return cleaned.length > 80 ? `${cleaned.slice(0, 77)}...` : cleaned;
}
