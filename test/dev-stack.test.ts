// The product as `npm run dev` starts it: embedded PostgreSQL, the Temporal CLI dev server on a db
// file, the SMTP sink, the worker and the console front end; stopped and started again on the
// same data folder, the reservations are still there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { devServerEnv } from './support/dev-script.js';
import { startProduct } from './support/product.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-dev-'));
fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

it('runs on embedded defaults, sends and reserves from the console, and keeps reservations across a restart', async () => {
  const env = { HERALD_DATA_DIR: dataDir, ...(await devServerEnv()) };
  let product = await startProduct(env);
  let reservedId: string;
  try {
    const sent = await product.type('send notice ops@example.com title=Hello "body=Hi there"');
    expect(sent).toMatch(/Mail queued for sending/);
    const mail = await product.infrastructure.smtpSink!.waitFor((m) => m.subject === '[Notice] Hello');
    expect(mail.text).toContain('Hi there');
    expect(fs.readFileSync(mail.file!, 'utf8')).toContain('Subject: [Notice] Hello');

    const reserved = await product.type('reserve welcome kim@example.com "tomorrow 9am" name=Kim community=Herald -d "welcome kim"');
    expect(reserved).toMatch(/Mail reserved/);
    reservedId = /Task: ([0-9a-f-]{36})/.exec(reserved)![1]!;

    expect(await product.type('reserve welcome kim@example.com "in 10 seconds" name=Kim community=Herald -d x')).toMatch(
      /at least 1 minute/,
    );
  } finally {
    await product.stop();
  }

  product = await startProduct(env);
  try {
    const list = await product.type('list');
    expect(list).toContain(reservedId);
    const description = await product.herald.temporal.workflow.getHandle(reservedId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await product.type(`cancel ${reservedId.slice(0, 8)}`)).toMatch(/Reservation canceled/);
  } finally {
    await product.stop();
  }
});
