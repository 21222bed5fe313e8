import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';

export const data = new SlashCommandBuilder()
  .setName('templates')
  .setNameLocalizations({ ko: '템플릿' })
  .setDescription("Mail templates (this server's and the built-in ones), their languages and variables")
  .setDescriptionLocalizations({ ko: '이 서버의 템플릿과 기본 템플릿, 언어, 필요한 변수를 보여 줍니다' });

export const execute: BotCommand['execute'] = (_interaction, ctx, { commands }) => commands.templateList(ctx);
