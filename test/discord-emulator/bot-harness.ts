// What the emulator's own tests share: an emulator with a fixed world, a real discord.js Client
// logged into it, interaction handlers whose errors are collected, and teardown in reverse order.
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions } from './emulator.js';

export const TOKEN = 'emulator-test-token';
export const APP_ID = '1100000000000000001';
export const BOT = { id: '1100000000000000002', username: 'herald' };
export const GUILD = { id: '1100000000000000003', name: 'Herald Test Guild', ownerId: '1100000000000000004' };
export const USER = { id: '1100000000000000005', username: 'alice' };

export interface Harness {
  emulator: DiscordEmulator;
  client: Client;
  /** Errors thrown inside interaction handlers (tests assert on them instead of crashing the process). */
  handlerErrors: unknown[];
  /** Registers the bot's interaction handler; errors are captured. */
  onInteraction(handler: (interaction: Interaction) => Promise<void>): void;
}

/** Starts emulators and clients for one test file; call `cleanup()` in `afterEach`. */
export class EmulatorTestKit {
  private readonly cleanups: (() => Promise<void>)[] = [];

  /** Runs `fn` at cleanup, before what was started earlier. */
  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(async () => fn());
  }

  async cleanup(): Promise<void> {
    while (this.cleanups.length > 0) await this.cleanups.pop()?.();
  }

  async startEmulator(overrides: Partial<DiscordEmulatorOptions> = {}): Promise<DiscordEmulator> {
    const emulator = await startDiscordEmulator({
      applicationId: APP_ID,
      botUser: BOT,
      guilds: [GUILD],
      token: TOKEN,
      defaultUser: USER,
      ...overrides,
    });
    this.cleanups.push(() => emulator.close());
    return emulator;
  }

  newClient(emulator: DiscordEmulator): Client {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
    // The client goes before the emulator (cleanups run last-in first-out), or it keeps reconnecting.
    this.cleanups.push(() => client.destroy());
    return client;
  }

  async startBot(overrides: Partial<DiscordEmulatorOptions> = {}): Promise<Harness & { readyMs: number }> {
    const emulator = await this.startEmulator(overrides);
    const client = this.newClient(emulator);
    const handlerErrors: unknown[] = [];
    const started = performance.now();
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await ready;
    const readyMs = performance.now() - started;
    return {
      emulator,
      client,
      handlerErrors,
      readyMs,
      onInteraction(handler) {
        client.on(Events.InteractionCreate, (interaction) => {
          handler(interaction).catch((error: unknown) => handlerErrors.push(error));
        });
      },
    };
  }
}

/** Settles a promise into the value or the error it rejected with. */
export async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
