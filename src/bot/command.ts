// What every command module exports, as in the discord.js guide: its definition, its handler,
// and (where it has one) its autocomplete. Handlers only read options and call HeraldCommands.
import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SharedSlashCommand,
} from 'discord.js';
import type { CommandContext, CommandResult, HeraldCommands } from '../app/commands.js';
import type { Logger } from '../logger.js';

export interface BotServices {
  commands: HeraldCommands;
  logger: Logger;
}

export interface BotCommand {
  data: SharedSlashCommand;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext, services: BotServices): Promise<CommandResult>;
  autocomplete?(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
    services: BotServices,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]>;
}

/** Discord caps autocomplete choice names and values at 100 characters. */
export function choice(name: string, value: string): ApplicationCommandOptionChoiceData<string> {
  const clip = (s: string) => (s.length > 100 ? `${s.slice(0, 99)}…` : s);
  return { name: clip(name), value: value.slice(0, 100) };
}
