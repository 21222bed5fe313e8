import { describe, it, expect } from 'vitest';
import { MAX_RECIPIENTS } from '../../src/domain/limits.js';
import { assertRecipientDomainsAllowed, parseRecipients } from '../../src/domain/recipients.js';
import { codeOf, heraldErrorOf } from './helpers.js';

describe('parseRecipients: accepted input', () => {
  it('a single address', () => {
    expect(parseRecipients('a@example.com')).toEqual(['a@example.com']);
  });

  it('comma and semicolon separated lists, with whitespace and empty items', () => {
    expect(parseRecipients('a@x.com, b@y.org')).toEqual(['a@x.com', 'b@y.org']);
    expect(parseRecipients('a@x.com;b@y.org')).toEqual(['a@x.com', 'b@y.org']);
    expect(parseRecipients(' a@x.com ;; , b@y.org ,')).toEqual(['a@x.com', 'b@y.org']);
    expect(parseRecipients('\ta@x.com\t,  b@y.org  ')).toEqual(['a@x.com', 'b@y.org']);
  });

  it('an array of chunks, each of which may be a list', () => {
    expect(parseRecipients(['a@x.com', 'b@y.org, c@z.net'])).toEqual(['a@x.com', 'b@y.org', 'c@z.net']);
  });

  it('removes duplicates case-insensitively, keeping the first spelling', () => {
    expect(parseRecipients('A@X.com, a@x.com; a@X.COM, b@y.org')).toEqual(['A@X.com', 'b@y.org']);
  });

  it('accepts plus-addressing and subdomains', () => {
    expect(parseRecipients('a+tag@mail.example.co.kr')).toEqual(['a+tag@mail.example.co.kr']);
  });

  it(`accepts exactly ${MAX_RECIPIENTS} distinct recipients`, () => {
    const ten = Array.from({ length: 10 }, (_, i) => `u${i}@x.com`);
    expect(MAX_RECIPIENTS).toBe(10);
    expect(parseRecipients(ten.join(','))).toEqual(ten);
  });

  it('counts after de-duplication (11 entries, 10 distinct, is fine)', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `u${i}@x.com`);
    expect(parseRecipients([...ten, 'U0@x.com'].join(','))).toEqual(ten);
  });
});

describe('parseRecipients: refused input', () => {
  it('11 distinct recipients is TOO_MANY_RECIPIENTS', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `u${i}@x.com`).join(',');
    const err = heraldErrorOf(() => parseRecipients(eleven));
    expect(err.code).toBe('TOO_MANY_RECIPIENTS');
    expect(err.params).toEqual({ max: 10 });
  });

  it('empty input is NO_RECIPIENTS', () => {
    expect(codeOf(() => parseRecipients(''))).toBe('NO_RECIPIENTS');
    expect(codeOf(() => parseRecipients('   '))).toBe('NO_RECIPIENTS');
    expect(codeOf(() => parseRecipients(' ,; ,'))).toBe('NO_RECIPIENTS');
    expect(codeOf(() => parseRecipients([]))).toBe('NO_RECIPIENTS');
  });

  const invalid: [label: string, input: string, shown: string][] = [
    ['no @', 'ax.com', 'ax.com'],
    ['double @', 'a@@x.com', 'a@@x.com'],
    ['display name', 'Bob <b@x.com>', 'Bob <b@x.com>'],
    ['angle brackets only', '<b@x.com>', '<b@x.com>'],
    ['CR/LF header injection', 'a@x.com\r\nBcc: evil@x.com', 'a@x.com��Bcc: evil@x.com'],
    ['LF between addresses', 'a@x.com\nb@y.com', 'a@x.com�b@y.com'],
    ['NUL byte', 'a\u0000@x.com', 'a�@x.com'],
    ['space inside', 'a b@x.com', 'a b@x.com'],
    ['two addresses separated by a space', 'a@x.com b@y.com', 'a@x.com b@y.com'],
    ['quoted local part with space', '"a b"@x.com', '"a b"@x.com'],
    ['missing TLD', 'a@x', 'a@x'],
    ['one-letter TLD', 'a@x.c', 'a@x.c'],
    ['IP literal domain', 'a@[127.0.0.1]', 'a@[127.0.0.1]'],
    ['bare IP domain', 'a@127.0.0.1', 'a@127.0.0.1'],
    ['empty label', 'a@x..com', 'a@x..com'],
    ['UTF-8 local part', 'ä@x.com', 'ä@x.com'],
  ];
  for (const [label, input, shown] of invalid) {
    it(`${label} is INVALID_RECIPIENT`, () => {
      const err = heraldErrorOf(() => parseRecipients(input));
      expect(err.code).toBe('INVALID_RECIPIENT');
      expect(err.params).toEqual({ address: shown });
    });
  }

  it('one bad address in a list refuses the whole list', () => {
    const err = heraldErrorOf(() => parseRecipients('good@x.com, bad'));
    expect(err.code).toBe('INVALID_RECIPIENT');
    expect(err.params).toEqual({ address: 'bad' });
  });

  it('cuts a long bad address to 80 characters in the error', () => {
    const long = 'x'.repeat(200);
    const err = heraldErrorOf(() => parseRecipients(long));
    expect(err.params).toEqual({ address: `${'x'.repeat(77)}...` });
  });

  it('a chunk over 2000 characters is FIELD_TOO_LONG', () => {
    const err = heraldErrorOf(() => parseRecipients('x'.repeat(2001)));
    expect(err.code).toBe('FIELD_TOO_LONG');
    expect(err.params).toEqual({ field: 'to', max: 2000 });
  });
});

describe('assertRecipientDomainsAllowed', () => {
  it('an empty allowlist allows every domain', () => {
    expect(assertRecipientDomainsAllowed(['a@anything.example', 'b@x.com'], [])).toBeUndefined();
  });

  it('allows the domain itself and its subdomains, in any case', () => {
    expect(assertRecipientDomainsAllowed(['a@example.com', 'b@mail.example.com', 'c@EXAMPLE.COM', 'd@a.b.example.com'], ['example.com'])).toBeUndefined();
  });

  it('allows an address in any of several domains', () => {
    expect(assertRecipientDomainsAllowed(['a@x.org', 'b@y.net'], ['x.org', 'y.net'])).toBeUndefined();
  });

  it('refuses a look-alike suffix and a domain that merely contains the allowed one', () => {
    for (const address of ['a@notexample.com', 'a@example.com.evil.org', 'a@example.co']) {
      const err = heraldErrorOf(() => assertRecipientDomainsAllowed([address], ['example.com']));
      expect(err.code).toBe('RECIPIENT_DOMAIN_NOT_ALLOWED');
      expect(err.params).toEqual({ address, allowed: ['example.com'] });
    }
  });

  it('names the first address that is not allowed', () => {
    const err = heraldErrorOf(() => assertRecipientDomainsAllowed(['ok@example.com', 'no@other.com', 'no2@other.com'], ['example.com']));
    expect(err.params).toEqual({ address: 'no@other.com', allowed: ['example.com'] });
  });

  // Surprising: only the address side is lower-cased, so an allowlist entry written with capitals never matches.
  it('allowlist entries are compared case-insensitively', () => {
    expect(assertRecipientDomainsAllowed(['a@example.com'], ['Example.COM'])).toBeUndefined();
  });
});
