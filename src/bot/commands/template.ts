// /template create|edit|list|show|delete: a server's own templates (issue 12). Create and edit
// answer with a form; the core decides who may change templates (server admins) and checks every
// draft, here and in the dashboard alike.
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { errorMessage } from '../../i18n/messages.js';
import { isLocale, LOCALES } from '../../i18n/locale.js';
import type { BotCommand } from '../command.js';
import { partTooLongForForm, templateModal } from '../template-form.js';
import { templateChoices } from './autocomplete.js';
import { languageOption, templateNameOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('template')
  .setNameLocalizations({ ko: '템플릿관리' })
  .setDescription("This server's own mail templates")
  .setDescriptionLocalizations({ ko: '이 서버의 메일 템플릿' })
  .addSubcommand((s) =>
    s
      .setName('create')
      .setNameLocalizations({ ko: '만들기' })
      .setDescription('Write a new template in a form (server admins)')
      .setDescriptionLocalizations({ ko: '입력 창에서 새 템플릿을 씁니다 (서버 관리자)' })
      .addStringOption((o) => templateNameOption(o, false)),
  )
  .addSubcommand((s) =>
    s
      .setName('edit')
      .setNameLocalizations({ ko: '편집' })
      .setDescription('Change one language of a template; saved as a new version (server admins)')
      .setDescriptionLocalizations({ ko: '템플릿의 한 언어를 고칩니다. 새 버전으로 저장됩니다 (서버 관리자)' })
      .addStringOption((o) => templateNameOption(o, true))
      .addStringOption((o) => languageOption(o, true, { en: 'The language to write', ko: '고칠 언어' })),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setNameLocalizations({ ko: '목록' })
      .setDescription("This server's templates and the built-in ones")
      .setDescriptionLocalizations({ ko: '이 서버의 템플릿과 기본 템플릿' }),
  )
  .addSubcommand((s) =>
    s
      .setName('show')
      .setNameLocalizations({ ko: '보기' })
      .setDescription('One template: its languages, variables and who changed it when')
      .setDescriptionLocalizations({ ko: '템플릿 하나의 언어, 변수, 변경 기록' })
      .addStringOption((o) => templateNameOption(o, true)),
  )
  .addSubcommand((s) =>
    s
      .setName('delete')
      .setNameLocalizations({ ko: '삭제' })
      .setDescription('Delete a template; reservations made with it still go out (server admins)')
      .setDescriptionLocalizations({ ko: '템플릿을 지웁니다. 이미 만든 예약은 그대로 발송됩니다 (서버 관리자)' })
      .addStringOption((o) => templateNameOption(o, true)),
  );

export const respond: BotCommand['respond'] = async (interaction, context, { commands }) => {
  const subcommand = interaction.options.getSubcommand();
  if (subcommand !== 'create' && subcommand !== 'edit') return false;
  const ctx = await context();
  const name = interaction.options.getString('name', true);
  const refuse = async (message: string) => {
    await interaction.reply({ content: `❌ ${message}`, flags: MessageFlags.Ephemeral });
    return true;
  };
  if (subcommand === 'create') {
    // Asked before the form opens: a refused submit would lose everything typed into it.
    const free = await commands.templateNameCheck(ctx, { name });
    if (free.kind === 'error') return refuse(free.message);
    await interaction.showModal(templateModal({ action: 'create', name: name.trim() }, ctx.locale));
    return true;
  }
  const language = interaction.options.getString('language', true);
  if (!isLocale(language)) return refuse(errorMessage(ctx.locale, 'UNKNOWN_LANGUAGE', { language, available: LOCALES }));
  const found = await commands.templateForEdit(ctx, { name });
  if (found.kind === 'error') return refuse(found.message);
  if (found.kind !== 'template' || found.template.source !== 'server') throw new Error(`templateForEdit answered ${found.kind}`);
  const { template } = found;
  // A language the template does not have yet opens empty: saving it adds the language.
  const stored = template.languages.find((l) => l.language === language);
  const draft = { language, subject: stored?.subject ?? '', text: stored?.text ?? '', html: stored?.html ?? null };
  const tooLong = partTooLongForForm(draft);
  if (tooLong) return refuse(errorMessage(ctx.locale, 'TEMPLATE_TOO_LONG_FOR_FORM', { name: template.name, language, ...tooLong }));
  await interaction.showModal(templateModal({ action: 'edit', name: template.name }, ctx.locale, draft));
  return true;
};

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) => {
  const subcommand = interaction.options.getSubcommand();
  if (subcommand === 'list') return commands.templateList(ctx);
  const name = interaction.options.getString('name', true);
  if (subcommand === 'show') return commands.templateShow(ctx, { name });
  if (subcommand === 'delete') return commands.templateDelete(ctx, { name });
  throw new Error(`/template ${subcommand} is answered by respond`);
};

/** show: every template this server can use; edit and delete: its own. */
export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) => {
  const own = interaction.options.getSubcommand() !== 'show';
  return templateChoices(interaction.options.getFocused(), ctx, services, (t) => !own || t.source === 'server');
};
