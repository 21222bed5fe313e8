import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';

export const data = new SlashCommandBuilder()
  .setName('templates')
  .setNameLocalizations({ ko: '템플릿' })
  .setDescription('Mail templates, their languages and the variables they need')
  .setDescriptionLocalizations({ ko: '메일 템플릿과 언어, 필요한 변수를 보여 줍니다' });

export const execute: BotCommand['execute'] = (_interaction, ctx, { commands }) => commands.templates(ctx);
