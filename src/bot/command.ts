// What every command module exports, as in the discord.js guide: its definition, its handler,
// and (where it has one) its autocomplete. Handlers only read options and call HeraldCommands.
import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SharedSlashCommand,
} from 'discord.js';
import type { CommandContext, CommandResult, HeraldCommands, HistoryResult, TemplateResult } from '../app/commands.js';
import { DISCORD_MAX_CHOICE_LENGTH } from '../domain/limits.js';
import type { Logger } from '../logger.js';
import type { PendingForms } from './pending-forms.js';

export interface BotServices {
  commands: HeraldCommands;
  logger: Logger;
  /** Commands waiting for the variables form they opened. */
  forms: PendingForms;
}

/** What a command's handler answers; renderForDiscord shows it. */
export type BotResult = CommandResult | TemplateResult | HistoryResult;

export interface BotCommand {
  data: SharedSlashCommand;
  /**
   * Runs before the reply is deferred, for commands whose first answer may be a form (a modal can
   * only be the first answer). True when it answered the interaction itself; false to go on with
   * execute. It must answer within Discord's 3 seconds.
   *
   * It gets the caller's context on demand: reading it takes the database, and a command that can
   * tell from its options alone that no form is due (a `/reserve` with `vars`) says false without
   * it, so the reply is deferred at once however busy the database is.
   */
  respond?(interaction: ChatInputCommandInteraction, context: () => Promise<CommandContext>, services: BotServices): Promise<boolean>;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext, services: BotServices): Promise<BotResult>;
  autocomplete?(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
    services: BotServices,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]>;
}

/** An autocomplete choice, clipped to what Discord accepts. */
export function choice(name: string, value: string): ApplicationCommandOptionChoiceData<string> {
  return { name: clip(name, DISCORD_MAX_CHOICE_LENGTH), value: value.slice(0, DISCORD_MAX_CHOICE_LENGTH) };
}

/** `text`, cut to `max` characters with an ellipsis when it is longer. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
