// Routes every interaction: permission and context checks, an ephemeral deferral inside Discord's
// 3-second window, the command, and the rendered answer. A user's mistake is answered precisely;
// anything unexpected is logged with its context and answered with a short apology.
import { type Interaction, MessageFlags, PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import { type Locale, localeFromTag } from '../i18n/locale.js';
import { apology, errorMessage } from '../i18n/messages.js';
import { handleCancelAllButton, parseCancelAllButtonId } from './cancel-all-button.js';
import { handleCancelButton, parseCancelButtonId } from './cancel-button.js';
import { type BotServices, choice } from './command.js';
import { botCommands } from './commands/index.js';
import { handleListButton, parseListButtonId } from './list-buttons.js';
import { renderForDiscord } from './render.js';
import { handleMoveButton, handlePickMenu, parseMoveButtonId, parsePickMenuId } from './task-buttons.js';
import { handleTemplateForm, parseTemplateFormId } from './template-form.js';
import { handleVarsForm, parseVarsFormId } from './vars-form.js';

export interface InteractionSettings {
  /** The member permission every command needs (a PermissionFlagsBits name). */
  requiredPermission: keyof typeof PermissionFlagsBits;
  /** Members with this permission are admins of their server for Herald (default ManageGuild). */
  adminPermission?: keyof typeof PermissionFlagsBits;
}

export async function handleInteraction(interaction: Interaction, services: BotServices, settings: InteractionSettings): Promise<void> {
  const started = Date.now();
  const locale = localeFromTag(interaction.locale);
  const log = services.logger.child({
    interactionId: interaction.id,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
  });
  try {
    if (interaction.isAutocomplete()) {
      const command = botCommands.get(interaction.commandName);
      // A server Herald does not serve gets the reason, as the one suggestion.
      const refused = services.commands.refusal({ guildId: interaction.guildId, locale });
      if (refused) return void (await interaction.respond([choice(`⛔ ${refused}`, '-')]));
      if (!command?.autocomplete || !allowed(interaction, settings)) return void (await interaction.respond([]));
      const ctx = await contextOf(interaction, services, settings);
      await interaction.respond(await command.autocomplete(interaction, ctx, services));
      return;
    }
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit() && !interaction.isStringSelectMenu()) return;

    const refusal = refusalFor(interaction, settings, locale, services);
    if (refusal) {
      await interaction.reply({ content: `❌ ${refusal}`, flags: MessageFlags.Ephemeral });
      return;
    }

    if (interaction.isStringSelectMenu()) {
      const pick = parsePickMenuId(interaction.customId);
      if (!pick) return;
      await handlePickMenu(interaction, pick, await contextOf(interaction, services, settings), services);
      log.info({ menu: 'pick', ms: Date.now() - started }, 'menu handled');
      return;
    }

    if (interaction.isButton()) {
      const move = parseMoveButtonId(interaction.customId);
      if (move) {
        await handleMoveButton(interaction, move, await contextOf(interaction, services, settings), services);
        log.info({ button: 'move', move: move.move, taskId: move.taskId, ms: Date.now() - started }, 'button handled');
        return;
      }
      const cancelAll = parseCancelAllButtonId(interaction.customId);
      if (cancelAll) {
        await handleCancelAllButton(interaction, cancelAll, await contextOf(interaction, services, settings), services);
        log.info({ button: 'cancel all', ms: Date.now() - started }, 'button handled');
        return;
      }
      const page = parseListButtonId(interaction.customId);
      if (page) {
        await handleListButton(interaction, page, await contextOf(interaction, services, settings), services);
        log.info({ button: 'list', scope: page.scope, offset: page.offset, ms: Date.now() - started }, 'button handled');
        return;
      }
      const target = parseCancelButtonId(interaction.customId);
      if (!target) return;
      await handleCancelButton(interaction, target, await contextOf(interaction, services, settings), services);
      log.info({ button: 'cancel', taskId: target.taskId, ms: Date.now() - started }, 'button handled');
      return;
    }

    if (interaction.isModalSubmit()) {
      const ctx = await contextOf(interaction, services, settings);
      const template = parseTemplateFormId(interaction.customId);
      if (template) {
        await handleTemplateForm(interaction, template, ctx, services);
        log.info({ form: `template ${template.action}`, template: template.name, ms: Date.now() - started }, 'form handled');
        return;
      }
      const key = parseVarsFormId(interaction.customId);
      if (!key) return;
      await handleVarsForm(interaction, key, ctx, services);
      log.info({ form: 'vars', ms: Date.now() - started }, 'form handled');
      return;
    }

    const command = botCommands.get(interaction.commandName);
    if (!command) {
      log.warn('unknown command');
      await interaction.reply({ content: `❌ ${apology[locale]}`, flags: MessageFlags.Ephemeral });
      return;
    }
    // Read once, when first needed: by respond, or after the deferral.
    let context: Promise<CommandContext> | undefined;
    const ctxOnce = () => (context ??= contextOf(interaction, services, settings));
    if (command.respond) {
      // Its first answer may be a form, which cannot follow a deferral.
      if (await command.respond(interaction, ctxOnce, services)) {
        log.info({ result: 'answered', ms: Date.now() - started }, 'command handled');
        return;
      }
    }
    // The work may take longer than Discord's 3 s: acknowledge first, privately.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const ctx = await ctxOnce();
    const result = await command.execute(interaction, ctx, services);
    await interaction.editReply(renderForDiscord(result, ctx));
    log.info({ result: result.kind, ms: Date.now() - started }, 'command handled');
  } catch (err) {
    log.error({ err }, 'interaction failed');
    if (interaction.isRepliable()) await answerWithApology(interaction, locale).catch(() => undefined);
  }
}

function allowed(interaction: Interaction, settings: InteractionSettings): boolean {
  return interaction.inGuild() && (interaction.memberPermissions?.has(PermissionFlagsBits[settings.requiredPermission]) ?? false);
}

function refusalFor(interaction: Interaction, settings: InteractionSettings, locale: Locale, services: BotServices): string | undefined {
  if (!interaction.inGuild()) return errorMessage(locale, 'GUILD_ONLY', {});
  const refused = services.commands.refusal({ guildId: interaction.guildId, locale });
  if (refused) return refused;
  if (!allowed(interaction, settings)) return errorMessage(locale, 'MISSING_PERMISSION', { permission: permissionLabel(settings.requiredPermission) });
  return undefined;
}

/** "ManageGuild" → "Manage Guild" (Discord shows it as Manage Server). */
function permissionLabel(name: string): string {
  return name === 'ManageGuild' ? 'Manage Server' : name.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** The caller, as HeraldCommands sees them: Discord knows the member's permissions, the core what an admin may do. */
function contextOf(interaction: Interaction, services: BotServices, settings: InteractionSettings): Promise<CommandContext> {
  const adminPermission = PermissionFlagsBits[settings.adminPermission ?? 'ManageGuild'];
  return services.commands.contextFor({
    userId: interaction.user.id,
    guildId: interaction.guildId,
    locale: interaction.locale,
    isServerAdmin: interaction.inGuild() && (interaction.memberPermissions?.has(adminPermission) ?? false),
  });
}

async function answerWithApology(interaction: RepliableInteraction, locale: Locale): Promise<void> {
  const content = `❌ ${apology[locale]}`;
  if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [] });
  else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
