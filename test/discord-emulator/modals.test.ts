// Modals against a real discord.js client: shown with ModalBuilder/showModal (Label components and
// legacy action rows), checked like Discord, submitted by the emulated user as a MODAL_SUBMIT.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  Routes,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorTestKit, USER } from './bot-harness.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());

/** The modal of issue 12's `/template create`: Label components, a select, and one legacy row. */
function templateModal(): ModalBuilder {
  return new ModalBuilder()
    .setCustomId('template-create:welcome')
    .setTitle('New template')
    .addTextDisplayComponents((text) => text.setContent('Variables look like {{name}}.'))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Language')
        .setStringSelectMenuComponent(
          new StringSelectMenuBuilder().setCustomId('lang').addOptions({ label: 'English', value: 'en', default: true }, { label: '한국어', value: 'ko' }),
        ),
      new LabelBuilder()
        .setLabel('Subject')
        .setDescription('At most 200 characters')
        .setTextInputComponent(new TextInputBuilder().setCustomId('subject').setStyle(TextInputStyle.Short).setMaxLength(200)),
      new LabelBuilder().setLabel('Text body').setTextInputComponent(new TextInputBuilder().setCustomId('text').setStyle(TextInputStyle.Paragraph)),
    )
    .addActionRowComponents(
      new ActionRowBuilder<TextInputBuilder>().addComponents(
        new TextInputBuilder().setCustomId('html').setLabel('HTML body').setStyle(TextInputStyle.Paragraph).setRequired(false).setValue('<p></p>'),
      ),
    );
}

describe('modals', () => {
  it('shows a modal from a slash command; the submit comes from the same user with its own id and token', async () => {
    const bot = await kit.startBot();
    const answers: string[] = [];
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.showModal(templateModal());
      else if (interaction.isModalSubmit()) {
        const f = interaction.fields;
        answers.push(
          [interaction.customId, f.getStringSelectValues('lang').join(','), f.getTextInputValue('subject'), f.getTextInputValue('text'), f.getTextInputValue('html')].join('|'),
        );
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply(`Saved "${f.getTextInputValue('subject')}" for ${interaction.user.username}`);
      }
    });

    const command = bot.emulator.slashCommand({ name: 'template', subcommand: 'create', options: { name: 'welcome' } });
    const modal = await command.waitForModal();
    expect((await command.callback()).type).toBe(9);
    expect(modal).toMatchObject({ customId: 'template-create:welcome', title: 'New template', texts: ['Variables look like {{name}}.'] });
    expect(modal.fields.map((f) => [f.customId, f.type, f.label, f.required, f.style])).toEqual([
      ['lang', 'stringSelect', 'Language', true, undefined],
      ['subject', 'textInput', 'Subject', true, 1],
      ['text', 'textInput', 'Text body', true, 2],
      ['html', 'textInput', 'HTML body', false, 2],
    ]);
    expect(modal.fields[1]).toMatchObject({ description: 'At most 200 characters', maxLength: 200 });
    // Showing a modal creates no message.
    await expect(command.waitForFinal()).rejects.toThrow(/callback type 9/);

    const submit = await bot.emulator.submitModal(command, { values: { subject: 'Welcome aboard', text: 'Hello {{name}},\nwelcome!', lang: 'ko' } });
    expect(submit.id).not.toBe(command.id);
    expect(submit.token).not.toBe(command.token);
    expect(submit.payload).toMatchObject({ type: 5, guild_id: command.payload.guild_id, channel_id: command.payload.channel_id, member: { user: { id: USER.id } } });
    expect(submit.payload.message).toBeUndefined();
    // The layout comes back as shown: ids filled in, labels hold their component, the legacy row its input.
    const components = (submit.payload.data as { components: Record<string, unknown>[] }).components;
    expect(components.map((c) => c.type)).toEqual([10, 18, 18, 18, 1]);
    expect(components[1]).toMatchObject({ type: 18, component: { type: 3, custom_id: 'lang', values: ['ko'] } });
    expect(components[4]).toMatchObject({ type: 1, components: [{ type: 4, custom_id: 'html', value: '<p></p>' }] });
    expect(new Set(JSON.stringify(components).match(/"id":\d+/g)).size).toBe(9);

    expect((await submit.callback()).type).toBe(5);
    expect((await submit.waitForFinal()).content).toBe(`Saved "Welcome aboard" for ${USER.username}`);
    expect(submit.isEphemeral()).toBe(true);
    expect(answers).toEqual(['template-create:welcome|ko|Welcome aboard|Hello {{name}},\nwelcome!|<p></p>']);

    // The modal closed on submit.
    await expect(bot.emulator.submitModal(command, { values: { subject: 'again', text: 'x' } })).rejects.toThrow(/already submitted/);
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });

  it("refuses values Discord's client would not submit", async () => {
    const bot = await kit.startBot();
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.showModal(templateModal());
    });
    const command = bot.emulator.slashCommand({ name: 'template' });
    await command.waitForModal();
    const submit = (values: Record<string, string | string[]>) => bot.emulator.submitModal(command, { values });
    await expect(submit({ subject: '', text: 'x' })).rejects.toThrow(/"subject" \(Subject\): it is required and empty/);
    await expect(submit({ subject: 'x'.repeat(201), text: 'x' })).rejects.toThrow(/201 characters, at most 200/);
    await expect(submit({ subject: 'two\nlines', text: 'x' })).rejects.toThrow(/holds one line/);
    await expect(submit({ subject: 's', text: 'x', lang: 'fr' })).rejects.toThrow(/"fr" is not one of its options/);
    await expect(submit({ subject: 's', text: 'x', lang: ['en', 'ko'] })).rejects.toThrow(/2 chosen, at most 1/);
    await expect(submit({ subject: 's', text: 'x', footer: 'y' })).rejects.toThrow(/has no input "footer"/);
    // None of these reached the bot, and the modal is still open.
    expect(bot.emulator.interactions).toHaveLength(1);
    const ok = await submit({ subject: 's', text: 'x' });
    expect((ok.payload.data as { components: { component?: { values?: string[] } }[] }).components[1]?.component?.values).toEqual(['en']);
  });

  it("checks the modal like Discord: 50035 with the field's path", async () => {
    const bot = await kit.startBot();
    const textInput = (extra: Record<string, unknown> = {}) => ({ type: 4, custom_id: 'f', style: 1, ...extra });
    const label = (component: Record<string, unknown>, text = 'Field') => ({ type: 18, label: text, component });
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['title', { title: 'x'.repeat(46) }, 'title', 'BASE_TYPE_BAD_LENGTH'],
      ['no-components', { components: [] }, 'components', 'BASE_TYPE_BAD_LENGTH'],
      ['six-components', { components: [1, 2, 3, 4, 5, 6].map((i) => label(textInput({ custom_id: `f${i}` }))) }, 'components', 'BASE_TYPE_BAD_LENGTH'],
      ['custom-id', { custom_id: 'c'.repeat(101) }, 'custom_id', 'BASE_TYPE_BAD_LENGTH'],
      ['label', { components: [label(textInput(), 'L'.repeat(46))] }, 'components.0.label', 'BASE_TYPE_BAD_LENGTH'],
      ['placeholder', { components: [label(textInput({ placeholder: 'p'.repeat(101) }))] }, 'components.0.component.placeholder', 'BASE_TYPE_MAX_LENGTH'],
      ['max-length', { components: [label(textInput({ max_length: 4001 }))] }, 'components.0.component.max_length', 'NUMBER_TYPE_MAX'],
      ['min-length', { components: [label(textInput({ min_length: -1 }))] }, 'components.0.component.min_length', 'NUMBER_TYPE_MIN'],
      ['value', { components: [label(textInput({ value: 'v'.repeat(4001) }))] }, 'components.0.component.value', 'BASE_TYPE_MAX_LENGTH'],
      ['style', { components: [label(textInput({ style: 3 }))] }, 'components.0.component.style', 'BASE_TYPE_CHOICES'],
      ['row-without-label', { components: [{ type: 1, components: [textInput()] }] }, 'components.0.components.0.label', 'BASE_TYPE_REQUIRED'],
      ['button-in-modal', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'b', custom_id: 'b' }] }] }, 'components.0.components.0.type', 'UNION_TYPE_CHOICES'],
      ['duplicate', { components: [label(textInput()), label(textInput())] }, 'components', 'COMPONENT_CUSTOM_ID_DUPLICATED'],
    ];
    const errors = new Map<string, unknown>();
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const base = { custom_id: 'm', title: 'Modal', components: [label(textInput())] };
      const [, override] = cases.find(([name]) => name === interaction.commandName)!;
      try {
        // A plain object skips the builders' own checks, so what Discord would refuse gets sent.
        await interaction.showModal({ ...base, ...override } as never);
        errors.set(interaction.commandName, 'accepted');
      } catch (error) {
        errors.set(interaction.commandName, error);
      }
    });
    for (const [name, , path, code] of cases) {
      const handle = bot.emulator.slashCommand({ name });
      const refusal = await handle.nextRefusal();
      expect(refusal, name).toMatchObject({ status: 400, code: 50035 });
      expect(handle.modal).toBeUndefined();
      await expect.poll(() => errors.has(name)).toBe(true);
      const error = errors.get(name) as DiscordAPIError;
      expect(error, name).toBeInstanceOf(DiscordAPIError);
      const errorTree = (error.rawError as { errors?: unknown }).errors;
      const leaf = ['data', ...path.split('.')].reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], errorTree);
      expect(leaf, `${name}: ${JSON.stringify(errorTree)}`).toMatchObject({ _errors: [{ code }] });
    }
    // At the limits it is accepted.
    cases.push(['limits', { title: 't'.repeat(45), components: [label(textInput({ max_length: 4000, min_length: 0, placeholder: 'p'.repeat(100) }), 'L'.repeat(45))] }, '', '']);
    const atLimits = bot.emulator.slashCommand({ name: 'limits' });
    expect((await atLimits.waitForModal()).title).toBe('t'.repeat(45));
    expect(bot.handlerErrors).toEqual([]);
  });

  it('refuses a modal after a deferral (40060), and a modal in answer to a modal submit', async () => {
    const bot = await kit.startBot();
    const results: unknown[] = [];
    const modal = new ModalBuilder()
      .setCustomId('vars')
      .setTitle('Variables')
      .addLabelComponents(new LabelBuilder().setLabel('name').setTextInputComponent(new TextInputBuilder().setCustomId('name').setStyle(TextInputStyle.Short)));
    // What showModal sends, posted directly: discord.js itself refuses locally once it deferred.
    const postModal = (interaction: Interaction & { id: string; token: string }) =>
      interaction.client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 9, data: modal.toJSON() }, auth: false });
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand() && interaction.commandName === 'late-modal') {
        await interaction.deferReply();
        results.push(await postModal(interaction).catch((e: unknown) => e));
        await interaction.editReply('deferred instead');
      } else if (interaction.isChatInputCommand()) {
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        results.push(await postModal(interaction).catch((e: unknown) => e));
        await interaction.reply({ content: `hi ${interaction.fields.getTextInputValue('name')}`, flags: MessageFlags.Ephemeral });
      }
    });

    const late = bot.emulator.slashCommand({ name: 'late-modal' });
    expect(await late.nextRefusal()).toMatchObject({ status: 400, code: 40060 });
    expect((await late.waitForFinal()).content).toBe('deferred instead');
    expect(late.modal).toBeUndefined();
    await expect(bot.emulator.submitModal(late, { values: {}, timeoutMs: 200 })).rejects.toThrow(/not a modal/);

    const command = bot.emulator.slashCommand({ name: 'reserve' });
    const submit = await bot.emulator.submitModal(command, { values: { name: 'Bo' } });
    expect(await submit.nextRefusal()).toMatchObject({ status: 400, code: 50035 });
    expect(await submit.callback()).toMatchObject({ type: 4, data: { content: 'hi Bo' } });
    await expect.poll(() => results.length).toBe(2);
    expect((results[0] as DiscordAPIError).code).toBe(40060);
    expect((results[1] as DiscordAPIError).code).toBe(50035);
    expect(bot.handlerErrors).toEqual([]);
  });

  it('opens a modal from a button: the submit carries the message and can update it', async () => {
    const bot = await kit.startBot();
    const rename = (id: string) =>
      new ModalBuilder()
        .setCustomId(`rename:${id}`)
        .setTitle('Rename')
        .addLabelComponents(
          new LabelBuilder().setLabel('New name').setTextInputComponent(new TextInputBuilder().setCustomId('name').setStyle(TextInputStyle.Short).setValue('old')),
        );
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('rename').setLabel('Rename').setStyle(ButtonStyle.Secondary));
        await (interaction as ChatInputCommandInteraction).reply({ content: 'name: old', components: [row] });
      } else if (interaction.isButton()) {
        await interaction.showModal(rename(interaction.message.id));
      } else if (interaction.isModalSubmit() && interaction.isFromMessage()) {
        const name = interaction.fields.getTextInputValue('name');
        if (name === 'slow') {
          await interaction.deferUpdate();
          await interaction.editReply({ content: 'name: slow', components: [] });
        } else await interaction.update({ content: `name: ${name} (was ${interaction.message.content})` });
      }
    });

    const prompt = await bot.emulator.slashCommand({ name: 'profile' }).waitForFinal();
    const click = bot.emulator.button({ customId: 'rename', message: prompt.id });
    expect((await click.waitForModal()).customId).toBe(`rename:${prompt.id}`);
    const submit = await bot.emulator.submitModal(click, { values: { name: 'new' } });
    expect((submit.payload.message as { id: string }).id).toBe(prompt.id);
    expect((await submit.callback()).type).toBe(7);
    expect((await submit.waitForFinal()).content).toBe('name: new (was name: old)');
    expect(bot.emulator.message(prompt.id)?.content).toBe('name: new (was name: old)');

    // The pre-filled value goes back when the user leaves the field alone.
    const again = bot.emulator.button({ customId: 'rename', message: prompt.id });
    const untouched = await bot.emulator.submitModal(again, { values: {} });
    expect((await untouched.waitForFinal()).content).toBe('name: old (was name: new (was name: old))');

    const third = bot.emulator.button({ customId: 'rename', message: prompt.id });
    const deferred = await bot.emulator.submitModal(third, { values: { name: 'slow' } });
    expect((await deferred.callback()).type).toBe(6);
    expect(await deferred.waitForFinal()).toMatchObject({ id: prompt.id, content: 'name: slow', components: [] });
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });
});
