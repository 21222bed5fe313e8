// DKIM end to end: a mail composed and sent by Herald's mailer (as the send-mail activity does)
// with the DKIM settings loadConfig reads, received by the real SMTP sink, and verified there by
// mailauth against the public key, served by a resolver of our own instead of DNS.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { SmtpSink } from '../src/infra/smtp-sink.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { TemplateRegistry } from '../src/mail/templates.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-dkim-'));
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyFile = path.join(dir, 'dkim.pem');
fs.writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));

/** The TXT record the README tells users to publish, split into 255-character strings as DNS does. */
function txtRecord(publicKey: typeof keys.publicKey): string[] {
  const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  return record.match(/.{1,255}/g)!;
}

/** DNS for the test: only herald._domainkey.example.test has a TXT record. */
function resolverFor(record: string[]) {
  const lookups: string[] = [];
  const resolver = async (name: string, type: string) => {
    lookups.push(`${type} ${name}`);
    if (type === 'TXT' && name === 'herald._domainkey.example.test') return [record];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
  return { resolver, lookups };
}

let sink: SmtpSink;
let mailer: Mailer;
let raw: string;

beforeAll(async () => {
  const config = loadConfig({ DKIM_DOMAIN: 'example.test', DKIM_SELECTOR: 'herald', DKIM_PRIVATE_KEY_PATH: keyFile });
  sink = await SmtpSink.start({ dir: path.join(dir, 'mail') });
  mailer = createMailer({ url: sink.url, from: 'Herald <herald@example.test>', poolMaxConnections: 1, dkim: config.dkim });
  const rendered = TemplateRegistry.load().render('notice', 'en', { title: 'Signed', body: 'This mail carries a DKIM signature.' });
  const taskId = '3f1c9a52-7d0e-4b8a-9c61-0d2f4e5a6b7c';
  const composed = await mailer.compose({ ...rendered, to: ['ada@example.com'], messageId: mailer.messageIdFor(taskId), headers: { 'X-Herald-Task-Id': taskId } });
  await mailer.sendComposed(composed);
  const received = await sink.waitFor((m) => m.messageId === `<${taskId}@example.test>`);
  raw = fs.readFileSync(received.file!, 'utf8');
});
afterAll(async () => {
  mailer?.close();
  await sink?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DKIM signing', () => {
  it('signs the mail as it reaches the sink, and the signature verifies against the published key', async () => {
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/m);
    const { resolver, lookups } = resolverFor(txtRecord(keys.publicKey));
    const { results } = await dkimVerify(raw, { resolver });
    expect(results).toHaveLength(1);
    expect(results[0]!.status.result).toBe('pass');
    expect(results[0]!.signingDomain).toBe('example.test');
    expect(results[0]!.selector).toBe('herald');
    expect(results[0]!.status.aligned).toBe('example.test'); // the From domain is the signing domain
    expect(lookups).toContain('TXT herald._domainkey.example.test');
  });

  it('fails a mail whose body was changed on the way', async () => {
    const tampered = raw.replace('This mail carries a DKIM signature.', 'This mail carries a DKIM signature!');
    expect(tampered).not.toBe(raw);
    const { results } = await dkimVerify(tampered, resolverFor(txtRecord(keys.publicKey)));
    expect(results[0]!.status.result).not.toBe('pass');
    expect(results[0]!.status.comment).toBe('body hash did not verify');
  });

  it('fails a mail whose signed Subject was changed', async () => {
    const tampered = raw.replace(/^Subject: .*$/m, 'Subject: [Notice] Changed');
    expect(tampered).not.toBe(raw);
    const { results } = await dkimVerify(tampered, resolverFor(txtRecord(keys.publicKey)));
    expect(results[0]!.status.result).toBe('fail');
    expect(results[0]!.status.comment).toBe('bad signature');
  });

  it('fails against another key published under the selector', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const { results } = await dkimVerify(raw, resolverFor(txtRecord(other)));
    expect(results[0]!.status.result).toBe('fail');
  });

  it('leaves mail unsigned without DKIM settings', async () => {
    const plain = createMailer({ url: sink.url, from: 'Herald <herald@example.test>', poolMaxConnections: 1 });
    try {
      const composed = await plain.compose({ subject: 'plain', text: 'no signature', html: '<p>no signature</p>', to: ['b@example.com'], messageId: '<plain@example.test>' });
      await plain.sendComposed(composed);
      const received = await sink.waitFor((m) => m.messageId === '<plain@example.test>');
      expect(fs.readFileSync(received.file!, 'utf8')).not.toMatch(/^DKIM-Signature:/im);
    } finally {
      plain.close();
    }
  });
});
