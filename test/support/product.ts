// The product as `npm run dev` starts it, in this process: the infrastructure from config (embedded
// PostgreSQL, the local Temporal, the SMTP sink), Herald with its worker, and the console front end
// driven by typed lines.
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { ConsoleFrontEnd } from '../../src/console/console.js';
import { createLogger } from '../../src/logger.js';
import { startHerald } from '../../src/runtime/herald.js';
import { startInfrastructure } from '../../src/runtime/infrastructure.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';

export async function startProduct(env: Record<string, string>, options: { clock?: () => Date } = {}) {
  const config = loadConfig(env);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  installTemporalRuntime(logger);
  const infrastructure = await startInfrastructure(config, logger);
  const herald = await startHerald(config, infrastructure, logger, { clock: options.clock });
  const output = new PassThrough();
  const lines: string[] = [];
  output.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const frontEnd = new ConsoleFrontEnd({ commands: herald.commands, input: new PassThrough(), output });
  return {
    infrastructure,
    herald,
    /** Types one console line; resolves with what the console printed for it. */
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
