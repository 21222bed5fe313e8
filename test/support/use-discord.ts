// The Discord emulator and a real discord.js bot logged into it, for one test file: each starts in
// beforeAll and stops in afterAll, in the order they are declared. Declare the emulator before
// useHarness when the harness needs its URL (a DM notifier, a membership check), and the bot after
// it, since the bot serves the harness' commands.
import { afterAll, beforeAll } from 'vitest';
import { type DiscordBot, type DiscordBotOptions, startDiscordBot } from '../../src/bot/bot.js';
import type { HeraldCommands } from '../../src/app/commands.js';
import type { Logger } from '../../src/logger.js';
import { type DiscordEmulator, type DiscordEmulatorOptions, startDiscordEmulator } from '../discord-emulator/emulator.js';
import { startedLater } from './started-later.js';

/** The emulator's bot user is always called herald; tests give its id. */
export type EmulatorSettings = Omit<DiscordEmulatorOptions, 'botUser'> & { botId: string };

/** Stands for the emulator started before the file's tests (like useHarness, usable from then on). */
export function useDiscordEmulator(settings: EmulatorSettings): DiscordEmulator {
  let emulator: DiscordEmulator | undefined;
  beforeAll(async () => {
    const { botId, ...options } = settings;
    emulator = await startDiscordEmulator({ ...options, botUser: { id: botId, username: 'herald' } });
  });
  afterAll(() => emulator?.close());
  return startedLater(() => emulator, 'The Discord emulator');
}

export interface TestBot {
  /** Stops the bot and logs a new one in, as after a crash: state must come from custom ids. */
  restart(): Promise<void>;
}

/** A real discord.js bot logged into `discord` that serves `h`'s commands with `settings`. */
export function useDiscordBot(
  discord: DiscordEmulator,
  h: { readonly commands: HeraldCommands; readonly logger: Logger },
  settings: Omit<DiscordBotOptions, 'apiUrl' | 'commands' | 'logger'>,
): TestBot {
  let bot: DiscordBot | undefined;
  const start = async () => {
    bot = await startDiscordBot({ ...settings, apiUrl: discord.apiUrl, commands: h.commands, logger: h.logger });
  };
  beforeAll(start);
  afterAll(() => bot?.stop());
  return {
    async restart() {
      await bot?.stop();
      await start();
    },
  };
}
