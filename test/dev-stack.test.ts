// The product as `npm run dev` starts it: embedded PostgreSQL, the Temporal CLI dev server on a db
// file, the SMTP sink, the worker and the console front end; stopped and started again on the
// same data folder, the reservations are still there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConsoleFrontEnd } from '../src/console/console.js';
import { createLogger } from '../src/logger.js';
import { startHerald } from '../src/runtime/herald.js';
import { startInfrastructure } from '../src/runtime/infrastructure.js';
import { installTemporalRuntime } from '../src/temporal/runtime.js';
import { devServerEnv } from './support/dev-script.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-dev-'));
fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function startProduct(env: Record<string, string>) {
  const config = loadConfig(env);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  installTemporalRuntime(logger);
  const infrastructure = await startInfrastructure(config, logger);
  const herald = await startHerald(config, infrastructure, logger);
  const output = new PassThrough();
  const lines: string[] = [];
  output.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const frontEnd = new ConsoleFrontEnd({ commands: herald.commands, input: new PassThrough(), output });
  return {
    infrastructure,
    herald,
    async type(line: string) {
      lines.length = 0;
      await frontEnd.handle(line);
      return lines.join('');
    },
    async stop() {
      frontEnd.close();
      await herald.stop();
      await infrastructure.stop();
    },
  };
}

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
