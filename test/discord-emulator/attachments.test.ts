// Files in messages against a real discord.js client: multipart/form-data bodies (`payload_json`
// plus `files[n]`) on interaction callbacks, webhook edits and follow-ups, the files kept with the
// message, and Discord's checks (at most 10 attachments, 10 MiB a file, `attachments` metadata
// that names uploads or attachments the message has). Also the command definition checks that a
// deploy of sub-commands, localizations and length bounds meets.
import { DiscordAPIError, MessageFlags, Routes, SlashCommandBuilder } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorTestKit, GUILD, settle } from './bot-harness.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());

const file = (name: string, text: string) => ({ attachment: Buffer.from(text, 'utf8'), name });

describe('attachments', () => {
  it('keeps the files of a webhook edit after a deferral with the message, and replaces them on the next edit', async () => {
    const bot = await kit.startBot();
    const steps: string[] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ content: 'preview', files: [file('preview.html', '<p>Hello, 세계</p>'), file('notes.txt', 'a\nb')] });
      steps.push('edited');
      // An edit without files keeps them; one with `attachments: []` removes them.
      await interaction.editReply({ content: 'still here' });
      await interaction.editReply({ content: 'gone', attachments: [] });
      steps.push('cleared');
    });
    const handle = bot.emulator.slashCommand({ name: 'preview' });
    await expect.poll(() => steps).toEqual(['edited', 'cleared']);

    const [withFiles, kept, cleared] = handle.edits;
    expect(withFiles!.attachments).toEqual([
      { filename: 'preview.html', size: Buffer.byteLength('<p>Hello, 세계</p>') },
      { filename: 'notes.txt', size: 3 },
    ]);
    // The JSON part travelled as payload_json, with discord.js' metadata for each upload.
    expect(withFiles!.body).toMatchObject({ content: 'preview', attachments: [{ id: '0' }, { id: '1' }] });
    expect(withFiles!.message.attachments.map((a) => [a.filename, a.size, a.content_type?.split(';')[0]])).toEqual([
      ['preview.html', Buffer.byteLength('<p>Hello, 세계</p>'), 'text/html'],
      ['notes.txt', 3, 'text/plain'],
    ]);
    expect(kept!.message.attachments.map((a) => a.filename)).toEqual(['preview.html', 'notes.txt']);
    expect(kept!.attachments).toEqual([]);
    expect(cleared!.message.attachments).toEqual([]);
    // The bytes are kept with the attachment, as Discord's CDN would serve them.
    const html = bot.emulator.attachmentFile(withFiles!.message, 'preview.html')!;
    expect(html.text()).toBe('<p>Hello, 세계</p>');
    expect(html.contentType).toMatch(/^text\/html/);
    expect(bot.emulator.attachmentFile(handle.originalMessage()!, 'preview.html')).toBeUndefined();
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });

  it('takes files on a reply, a follow-up and a channel message', async () => {
    const bot = await kit.startBot();
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'reply', files: [file('a.txt', 'first')] });
      await interaction.followUp({ content: 'follow-up', files: [file('b.txt', 'second')] });
    });
    const handle = bot.emulator.slashCommand({ name: 'files' });
    expect((await handle.callback()).attachments).toEqual([{ filename: 'a.txt', size: 5 }]);
    const followUp = await handle.nextFollowUp();
    expect(bot.emulator.attachmentFile(handle.originalMessage()!, 'a.txt')!.text()).toBe('first');
    expect(bot.emulator.attachmentFile(followUp, 'b.txt')!.text()).toBe('second');

    const channel = await bot.client.channels.fetch(bot.emulator.defaultChannelId());
    if (!channel?.isSendable()) throw new Error('no channel');
    const sent = await channel.send({ content: 'report', files: [file('report.csv', 'x,y\n1,2')] });
    expect(bot.emulator.attachmentFile(sent.id, 'report.csv')!.text()).toBe('x,y\n1,2');
    expect(bot.handlerErrors).toEqual([]);
  });

  it('refuses more than 10 attachments, a file over 10 MiB and metadata for an upload that is not there', async () => {
    const bot = await kit.startBot();
    const outcomes: unknown[] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const tooMany = Array.from({ length: 11 }, (_, i) => file(`f${i}.txt`, String(i)));
      outcomes.push(await settle(interaction.editReply({ content: 'many', files: tooMany })));
      outcomes.push(await settle(interaction.editReply({ content: 'big', files: [{ attachment: Buffer.alloc(10 * 1024 * 1024 + 1), name: 'big.bin' }] })));
      // Raw: metadata naming files[3] with only files[0] uploaded.
      const route = Routes.webhookMessage(interaction.applicationId, interaction.token, '@original');
      outcomes.push(
        await settle(bot.client.rest.patch(route, { body: { content: 'x', attachments: [{ id: '3' }] }, files: [{ name: 'one.txt', data: Buffer.from('1') }], auth: false })),
      );
      outcomes.push(await settle(interaction.editReply({ content: 'ten', files: tooMany.slice(0, 10) })));
    });
    const handle = bot.emulator.slashCommand({ name: 'refuse' });
    await expect.poll(() => outcomes.length).toBe(4);
    const [many, big, unknown, ten] = outcomes as Awaited<ReturnType<typeof settle>>[];
    expect(!many!.ok && (many!.error as DiscordAPIError).code).toBe(50035);
    expect(!many!.ok && JSON.stringify((many!.error as DiscordAPIError).rawError)).toContain('"attachments"');
    expect(!big!.ok && [(big!.error as DiscordAPIError).status, (big!.error as DiscordAPIError).code]).toEqual([413, 40005]);
    expect(!unknown!.ok && (unknown!.error as DiscordAPIError).code).toBe(50035);
    expect(!unknown!.ok && JSON.stringify((unknown!.error as DiscordAPIError).rawError)).toContain('ATTACHMENT_NOT_FOUND');
    expect(ten!.ok).toBe(true);
    // Only the accepted edit changed the message.
    expect(handle.edits.map((e) => e.message.content)).toEqual(['ten']);
    expect(handle.originalMessage()!.attachments).toHaveLength(10);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });
});

describe('command definitions', () => {
  it('refuses sub-commands beside options, bad length bounds and bad localized names', async () => {
    const { client } = await kit.startBot();
    const good = new SlashCommandBuilder()
      .setName('template')
      .setNameLocalizations({ ko: '템플릿관리' })
      .setDescription('Templates')
      .addSubcommand((s) => s.setName('show').setDescription('One').addStringOption((o) => o.setName('name').setDescription('Name').setRequired(true).setMaxLength(32)));
    expect((await settle(client.application!.commands.set([good.toJSON()], GUILD.id))).ok).toBe(true);

    const refused = async (body: unknown) => {
      const outcome = await settle(client.rest.put(Routes.applicationGuildCommands(client.application!.id, GUILD.id), { body: [body] }));
      if (outcome.ok) return 'accepted';
      return JSON.stringify((outcome.error as DiscordAPIError).rawError);
    };
    const json = good.toJSON();
    expect(await refused({ ...json, options: [...json.options!, { type: 3, name: 'plain', description: 'x' }] })).toContain('APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
    const withMax = (max: number) => ({ ...json, options: [{ ...json.options![0]!, options: [{ type: 3, name: 'name', description: 'x', max_length: max }] }] });
    expect(await refused(withMax(6001))).toContain('NUMBER_TYPE_MAX');
    expect(await refused(withMax(0))).toContain('NUMBER_TYPE_MAX');
    expect(await refused(withMax(6000))).toBe('accepted');
    expect(await refused({ ...json, name_localizations: { ko: '템플릿 관리' } })).toContain('name_localizations');
    expect(await refused({ ...json, description_localizations: { ko: 'x'.repeat(101) } })).toContain('description_localizations');
  });
});
