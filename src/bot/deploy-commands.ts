// Registers Herald's slash commands with Discord: to one server when DISCORD_GUILD_ID is set
// (instant, for development), otherwise globally (may take up to an hour to show everywhere).
//   npm run deploy-commands
import { InteractionContextType, PermissionFlagsBits, REST, type RESTPutAPIApplicationCommandsJSONBody, Routes } from 'discord.js';
import { ConfigError, type Config, loadConfig } from '../config.js';
import { botCommands } from './commands/index.js';

/** Every command's JSON, guild-only, visible by default to members with the required permission. */
export function commandDefinitions(requiredPermission: Config['discord']['requiredPermission']): RESTPutAPIApplicationCommandsJSONBody {
  return [...botCommands.values()].map((command) => ({
    ...command.data.toJSON(),
    default_member_permissions: PermissionFlagsBits[requiredPermission].toString(),
    contexts: [InteractionContextType.Guild],
  }));
}

export async function deployCommands(config: Config): Promise<{ scope: 'guild' | 'global'; count: number }> {
  const { token, applicationId, apiUrl, guildId, requiredPermission } = config.discord;
  if (!token || !applicationId) throw new ConfigError([{ variable: 'DISCORD_TOKEN', message: 'DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to deploy commands' }]);
  const rest = new REST({ api: apiUrl }).setToken(token);
  const body = commandDefinitions(requiredPermission);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const saved = (await rest.put(route, { body })) as unknown[];
  return { scope: guildId ? 'guild' : 'global', count: saved.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const result = await deployCommands(loadConfig());
    console.log(`Deployed ${result.count} commands (${result.scope}).`);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `Deploying commands failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
