// The Discord front end: a discord.js client that hands every interaction to the router.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { HeraldCommands } from '../app/commands.js';
import type { Logger } from '../logger.js';
import { discordCheck } from '../ops/discord-check.js';
import { readiness } from '../ops/readiness.js';
import { handleInteraction, type InteractionSettings } from './interactions.js';
import { PendingForms } from './pending-forms.js';

export interface DiscordBotOptions extends InteractionSettings {
  token: string;
  /** REST base, e.g. https://discord.com/api; the gateway URL comes from this API. */
  apiUrl: string;
  commands: HeraldCommands;
  logger: Logger;
}

export interface DiscordBot {
  client: Client;
  stop(): Promise<void>;
}

export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const logger = options.logger.child({ component: 'discord' });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiUrl } });
  const services = { commands: options.commands, logger, forms: new PendingForms() };
  client.on(Events.InteractionCreate, (interaction) => {
    void handleInteraction(interaction, services, options);
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token);
  await ready;
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'Discord bot connected');
  const unregister = readiness.register('discord', discordCheck(client));
  return {
    client,
    async stop() {
      unregister();
      await client.destroy();
      logger.info('Discord bot disconnected');
    },
  };
}
