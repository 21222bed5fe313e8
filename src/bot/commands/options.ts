// Option definitions several commands share, with their Korean localizations.
import type { SlashCommandStringOption } from 'discord.js';
import { DISCORD_OPTION_MAX_LENGTH, MAX_TEMPLATE_NAME_LENGTH } from '../../domain/limits.js';
import { LOCALES } from '../../i18n/locale.js';
import { languageName } from '../../i18n/ui.js';

export const templateOption = (o: SlashCommandStringOption) =>
  o
    .setName('template')
    .setNameLocalizations({ ko: '템플릿' })
    .setDescription('Mail template')
    .setDescriptionLocalizations({ ko: '메일 템플릿' })
    .setRequired(true)
    .setAutocomplete(true);

export const toOption = (o: SlashCommandStringOption) =>
  o
    .setName('to')
    .setNameLocalizations({ ko: '받는사람' })
    .setDescription('Recipient address, or several separated by commas')
    .setDescriptionLocalizations({ ko: '받는 사람 주소 (여러 개는 쉼표로 구분)' })
    .setRequired(true)
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.to);

export const varsOption = (o: SlashCommandStringOption) =>
  o
    .setName('vars')
    .setNameLocalizations({ ko: '변수' })
    .setDescription('Template variables: name=Alice;team=Ops')
    .setDescriptionLocalizations({ ko: '템플릿 변수: name=Alice;team=Ops' })
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.vars);

export const descriptionOption = (o: SlashCommandStringOption, required: boolean) =>
  o
    .setName('description')
    .setNameLocalizations({ ko: '설명' })
    .setDescription('What this mail is for, so you can tell it apart later')
    .setDescriptionLocalizations({ ko: '나중에 알아볼 수 있도록 메일에 대한 설명' })
    .setRequired(required)
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.description);

export const whenOption = (o: SlashCommandStringOption) =>
  o
    .setName('when')
    .setNameLocalizations({ ko: '시각' })
    .setDescription('"tomorrow 9am", "in 2 hours" or "2026-12-01 09:00", in your time zone')
    .setDescriptionLocalizations({ ko: '"tomorrow 9am", "in 2 hours", "2026-12-01 09:00" (내 시간대 기준)' })
    .setRequired(true)
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.when)
    .setAutocomplete(true);

export const taskOption = (o: SlashCommandStringOption) =>
  o
    .setName('task')
    .setNameLocalizations({ ko: '작업' })
    .setDescription('One of your reservations')
    .setDescriptionLocalizations({ ko: '내 예약 중 하나' })
    .setRequired(true)
    .setAutocomplete(true);

/** The language of a mail or of a template's part: one of Herald's languages. */
export const languageOption = (o: SlashCommandStringOption, required: boolean, description: { en: string; ko: string }) =>
  o
    .setName('language')
    .setNameLocalizations({ ko: '언어' })
    .setDescription(description.en)
    .setDescriptionLocalizations({ ko: description.ko })
    .setRequired(required)
    .addChoices(LOCALES.map((l) => ({ name: `${languageName(l)} (${l})`, value: l })));

/** The language a mail is written in, where the requester's own is not the one wanted. */
export const mailLanguageOption = (o: SlashCommandStringOption) =>
  languageOption(o, false, { en: 'The language to write the mail in (default: yours)', ko: '메일을 쓸 언어 (기본: 내 언어)' });

/** A server template's name, as /template takes it. */
export const templateNameOption = (o: SlashCommandStringOption, autocomplete: boolean) =>
  o
    .setName('name')
    .setNameLocalizations({ ko: '이름' })
    .setDescription('Template name: lowercase letters, digits, - and _, starting with a letter')
    .setDescriptionLocalizations({ ko: '템플릿 이름: 영문 소문자로 시작하는 영문 소문자, 숫자, -, _' })
    .setRequired(true)
    .setMaxLength(MAX_TEMPLATE_NAME_LENGTH)
    .setAutocomplete(autocomplete);

/** How often a reservation repeats (issue 11), in English or Korean. */
export const repeatOption = (o: SlashCommandStringOption) =>
  o
    .setName('repeat')
    .setNameLocalizations({ ko: '반복' })
    .setDescription('Repeat it: "every monday", "every weekday", "every month on the 1st", "매주 월요일"…')
    .setDescriptionLocalizations({ ko: '반복 주기: "매주 월요일", "평일마다", "매월 1일", "every monday"…' })
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.repeat)
    .setAutocomplete(true);

/** The last day of a repeating reservation, in the user's zone. */
export const untilOption = (o: SlashCommandStringOption) =>
  o
    .setName('until')
    .setNameLocalizations({ ko: '종료일' })
    .setDescription('Last day of the repeats, e.g. 2027-03-01 (or give a count in repeat: "every day, 10 times")')
    .setDescriptionLocalizations({ ko: '반복의 마지막 날, 예: 2027-03-01 (또는 repeat 에 횟수: "매일 10회")' })
    .setMaxLength(DISCORD_OPTION_MAX_LENGTH.until)
    .setAutocomplete(true);

/** A task the command acts on, with its own description (which tasks autocomplete offers differs). */
export const taskOptionFor = (description: { en: string; ko: string }) => (o: SlashCommandStringOption) =>
  taskOption(o).setDescription(description.en).setDescriptionLocalizations({ ko: description.ko });
