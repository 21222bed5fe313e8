import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  SlashCommandBuilder,
} from 'discord.js';
import WebSocket from 'ws';
import { APP_ID, BOT, EmulatorTestKit, GUILD, settle, USER } from './bot-harness.js';
import type { DiscordEmulator, DiscordEmulatorOptions } from './emulator.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());
const startEmulator = (overrides: Partial<DiscordEmulatorOptions> = {}) => kit.startEmulator(overrides);
const newClient = (emulator: DiscordEmulator) => kit.newClient(emulator);
const startBot = (overrides: Partial<DiscordEmulatorOptions> = {}) => kit.startBot(overrides);

describe('discord emulator with a real discord.js Client', () => {
  it('logs in: READY + GUILD_CREATE make `ready` fire fast with the guild cached', async () => {
    const { emulator, client, readyMs } = await startBot();
    expect(readyMs).toBeLessThan(3_000);
    expect(client.user?.id).toBe(BOT.id);
    expect(client.application?.id).toBe(APP_ID);
    const guild = client.guilds.cache.get(GUILD.id);
    expect(guild?.name).toBe(GUILD.name);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(emulator.defaultChannelId())?.isTextBased()).toBe(true);
    const identify = await emulator.waitForIdentify();
    expect(identify.intents & GatewayIntentBits.Guilds).toBe(GatewayIntentBits.Guilds);
    const sent = emulator.sessions[0]?.sent ?? [];
    expect(sent.filter((p) => p.op !== 11).map((p) => p.t ?? p.op)).toEqual([10, 'READY', 'GUILD_CREATE']);
    expect(sent.filter((p) => p.op === 0).map((p) => p.s)).toEqual([1, 2]);
    expect(emulator.unhandledRequests).toEqual([]);
  });

  it('stores guild commands registered with application.commands.set', async () => {
    const { emulator, client } = await startBot();
    const commands = [
      new SlashCommandBuilder()
        .setName('send')
        .setDescription('Send an e-mail')
        .addStringOption((o) => o.setName('to').setDescription('Recipient').setRequired(true).setAutocomplete(true))
        .toJSON(),
      new SlashCommandBuilder().setName('ping').setDescription('Ping').toJSON(),
    ];
    const registered = await client.application!.commands.set(commands, GUILD.id);
    expect([...registered.values()].map((c) => c.name).sort()).toEqual(['ping', 'send']);
    const stored = emulator.guildCommands(GUILD.id);
    expect(stored.map((c) => c.name)).toEqual(['send', 'ping']);
    expect(stored[0]).toMatchObject({ application_id: APP_ID, guild_id: GUILD.id, type: 1, description: 'Send an e-mail' });
    expect(stored[0]?.options?.[0]).toMatchObject({ name: 'to', required: true, autocomplete: true });
    expect(emulator.globalCommands).toEqual([]);

    // Re-registering keeps ids; invalid names are refused like Discord does.
    const again = await client.application!.commands.set(commands, GUILD.id);
    expect([...again.keys()].sort()).toEqual(stored.map((c) => c.id).sort());
    const bad = await settle(client.application!.commands.set([{ name: 'Bad Name', description: 'x' }], GUILD.id));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && (bad.error as DiscordAPIError).code).toBe(50035);

    await client.application!.commands.set([{ name: 'global-one', description: 'Global' }]);
    expect(emulator.globalCommands.map((c) => c.name)).toEqual(['global-one']);
    expect(emulator.unhandledRequests).toEqual([]);
  });

  it('delivers a slash command and records an ephemeral reply', async () => {
    const bot = await startBot();
    const seen: { name: string; to: string | null; locale: string; canManage: boolean }[] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        name: interaction.commandName,
        to: interaction.options.getString('to'),
        locale: interaction.locale,
        canManage: interaction.memberPermissions?.has('ManageGuild') ?? false,
      });
      await interaction.reply({ content: 'hi', flags: MessageFlags.Ephemeral });
    });
    const handle = bot.emulator.slashCommand({ name: 'send', options: { to: 'bob@example.com' }, locale: 'ko' });
    const callback = await handle.callback();
    expect(callback.type).toBe(4);
    expect(callback.flags).toBe(64);
    expect(callback.data?.content).toBe('hi');
    expect(callback.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual([{ name: 'send', to: 'bob@example.com', locale: 'ko', canManage: true }]);
    const final = await handle.waitForFinal();
    expect(final.content).toBe('hi');
    expect(handle.isEphemeral()).toBe(true);
    expect(bot.emulator.channelMessages(bot.emulator.defaultChannelId())).toEqual([]); // ephemeral: not in channel
    expect(bot.handlerErrors).toEqual([]);
  });

  it('supports sub-commands, deferReply + editReply and follow-ups', async () => {
    const bot = await startBot();
    const sub: string[] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      sub.push(`${interaction.options.getSubcommand()}:${interaction.options.getInteger('count')}:${interaction.options.getBoolean('dry')}`);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((r) => setTimeout(r, 20));
      await interaction.editReply('done');
      await interaction.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
    });
    const handle = bot.emulator.slashCommand({ name: 'schedule', subcommand: 'list', options: { count: 3, dry: true } });
    const callback = await handle.callback();
    expect(callback.type).toBe(5);
    expect(callback.flags).toBe(64);
    const edit = await handle.nextEdit();
    expect(edit.isOriginal).toBe(true);
    expect(edit.message.content).toBe('done');
    expect(edit.message.flags! & MessageFlags.Loading).toBe(0);
    expect(edit.message.flags! & MessageFlags.Ephemeral).toBe(64);
    const final = await handle.waitForFinal();
    expect(final.content).toBe('done');
    const followUp = await handle.nextFollowUp();
    expect(followUp.content).toBe('more');
    expect(followUp.id).not.toBe(final.id);
    expect(sub).toEqual(['list:3:true']);
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });

  it('answers autocomplete with choices', async () => {
    const bot = await startBot();
    bot.onInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      await interaction.respond([
        { name: `${focused.name}=${focused.value}`, value: 'a' },
        { name: 'second', value: 'b' },
      ]);
    });
    const handle = bot.emulator.autocomplete({ name: 'send', options: { to: 'bo', subject: 'x' }, focused: 'to' });
    const callback = await handle.callback();
    expect(callback.type).toBe(8);
    expect(callback.data?.choices).toEqual([
      { name: 'to=bo', value: 'a' },
      { name: 'second', value: 'b' },
    ]);
    await expect(handle.waitForFinal()).rejects.toThrow(/callback type 8/);
    expect(bot.handlerErrors).toEqual([]);
  });

  it('handles a button on a message the bot sent, with interaction.update', async () => {
    const bot = await startBot();
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('confirm').setLabel('Confirm').setStyle(ButtonStyle.Primary),
        );
        await interaction.reply({ content: 'Send it?', components: [row] });
      } else if (interaction.isButton()) {
        await interaction.update({ content: `confirmed by ${interaction.user.username} (${interaction.customId})`, components: [] });
      }
    });
    const command = bot.emulator.slashCommand({ name: 'send' });
    const prompt = await command.waitForFinal();
    expect(prompt.components).toHaveLength(1);
    expect(bot.emulator.channelMessages(bot.emulator.defaultChannelId()).map((m) => m.id)).toEqual([prompt.id]);

    const click = bot.emulator.button({ customId: 'confirm', message: prompt.id });
    const callback = await click.callback();
    expect(callback.type).toBe(7);
    const updated = await click.waitForFinal();
    expect(updated.id).toBe(prompt.id);
    expect(updated.content).toBe('confirmed by alice (confirm)');
    expect(updated.components).toEqual([]);
    expect(bot.emulator.message(prompt.id)?.content).toBe('confirmed by alice (confirm)');

    // A button on a minimal message the test made up, answered with a plain reply.
    bot.client.removeAllListeners(Events.InteractionCreate);
    bot.onInteraction(async (interaction) => {
      if (interaction.isButton()) await interaction.reply({ content: `clicked ${interaction.message.id}`, flags: MessageFlags.Ephemeral });
    });
    const other = bot.emulator.button({ customId: 'other', message: { id: '1100000000000000099', components: [] } });
    const reply = await other.callback();
    expect(reply).toMatchObject({ type: 4, flags: 64, data: { content: 'clicked 1100000000000000099' } });
    expect(bot.handlerErrors).toEqual([]);
  });

  it('refuses a second ack with 40060 and a late ack with 10062', async () => {
    const bot = await startBot({ ackTimeoutMs: 150 });
    const results: PromiseSettledResult<unknown>[][] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.commandName === 'twice') {
        // Two concurrent replies both pass discord.js' local `replied` check: the API must refuse one.
        results.push(await Promise.allSettled([interaction.reply('one'), interaction.reply('two')]));
      } else {
        await new Promise((r) => setTimeout(r, 300));
        results.push(await Promise.allSettled([interaction.reply('late')]));
      }
    });

    const twice = bot.emulator.slashCommand({ name: 'twice' });
    const refusal = await twice.nextRefusal();
    expect(refusal).toMatchObject({ status: 400, code: 40060, message: 'Interaction has already been acknowledged.' });
    expect((await twice.callback()).data?.content).toBe('one');
    await expect.poll(() => results.length).toBe(1);
    const [first, second] = results[0]!;
    expect(first?.status).toBe('fulfilled');
    expect(second?.status).toBe('rejected');
    expect(second?.status === 'rejected' && (second.reason as DiscordAPIError).code).toBe(40060);

    const late = bot.emulator.slashCommand({ name: 'late' });
    const lateRefusal = await late.nextRefusal();
    expect(lateRefusal).toMatchObject({ status: 404, code: 10062 });
    expect(lateRefusal.elapsedMs).toBeGreaterThan(150);
    await expect.poll(() => results.length).toBe(2);
    const lateResult = results[1]![0]!;
    expect(lateResult.status === 'rejected' && (lateResult.reason as DiscordAPIError).code).toBe(10062);
    await expect(late.callback({ timeoutMs: 50 })).rejects.toThrow(/timed out/);
    expect(bot.handlerErrors).toEqual([]);
  });

  it('sends DMs, and refuses them with 50007 when the user closed DMs', async () => {
    const { emulator, client } = await startBot();
    const closed = { id: '1100000000000000006', username: 'bob' };
    emulator.addUser(closed);
    const message = await client.users.send(USER.id, 'x');
    expect(message.content).toBe('x');
    expect(emulator.directMessages(USER.id).map((m) => m.content)).toEqual(['x']);
    expect(emulator.directMessages(USER.id)[0]?.author).toMatchObject({ id: BOT.id, bot: true });

    emulator.closeDms(closed.id);
    const refused = await settle(client.users.send(closed.id, 'y'));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toBeInstanceOf(DiscordAPIError);
    expect(!refused.ok && (refused.error as DiscordAPIError).code).toBe(50007);
    expect(emulator.directMessages(closed.id)).toEqual([]);
    expect(emulator.unhandledRequests).toEqual([]);
  });

  it('rejects login with a wrong token', async () => {
    const emulator = await startEmulator();
    const client = newClient(emulator);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
    expect(emulator.sessions).toHaveLength(0);
  });

  it('handles multipart uploads, withResponse and unknown routes', async () => {
    const bot = await startBot();
    const fetched: string[] = [];
    bot.onInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({
        content: 'report',
        files: [{ attachment: Buffer.from('hello world'), name: 'report.txt' }],
        withResponse: true,
      });
      fetched.push(response.resource?.message?.content ?? '(none)');
      fetched.push((await interaction.fetchReply()).attachments.first()?.name ?? '(none)');
    });
    const handle = bot.emulator.slashCommand({ name: 'report' });
    const callback = await handle.callback();
    expect(callback.withResponse).toBe(true);
    expect(callback.attachments).toEqual([{ filename: 'report.txt', size: 11 }]);
    await expect.poll(() => fetched).toEqual(['report', 'report.txt']);

    const missing = await settle(bot.client.rest.get('/nowhere/to/be/found'));
    expect(!missing.ok && (missing.error as DiscordAPIError).status).toBe(404);
    expect(bot.emulator.unhandledRequests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /nowhere/to/be/found']);
    expect(bot.handlerErrors).toEqual([]);
  });

  it('delivers DM commands, select menus and modal submits', async () => {
    const bot = await startBot();
    const seen: string[] = [];
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        seen.push(`dm:${interaction.guildId}:${interaction.inGuild()}:${interaction.channelId}:${interaction.context}`);
        await interaction.deferReply();
        await interaction.followUp('first follow-up replaces the thinking message');
      } else if (interaction.isStringSelectMenu()) {
        seen.push(`select:${interaction.values.join(',')}`);
        await interaction.deferUpdate();
        await interaction.editReply({ content: `picked ${interaction.values.join(',')}` });
      } else if (interaction.isModalSubmit()) {
        seen.push(`modal:${interaction.fields.getTextInputValue('subject')}`);
        await interaction.reply({ content: 'saved', flags: MessageFlags.Ephemeral });
      }
    });

    const dm = bot.emulator.slashCommand({ name: 'status', guildId: null });
    expect((await dm.callback()).type).toBe(5);
    const dmFinal = await dm.waitForFinal();
    expect(dmFinal.content).toBe('first follow-up replaces the thinking message');
    expect(dm.followUps.map((m) => m.id)).toEqual([dmFinal.id]);

    const menu = bot.emulator.seedMessage({
      content: 'choose',
      components: [
        {
          type: 1,
          components: [{ type: 3, custom_id: 'pick', max_values: 2, options: ['a', 'b', 'c'].map((v) => ({ label: v, value: v })) }],
        },
      ],
    });
    const select = bot.emulator.selectMenu({ customId: 'pick', values: ['a', 'b'], message: menu.id });
    expect((await select.callback()).type).toBe(6);
    expect((await select.waitForFinal()).content).toBe('picked a,b');
    expect(bot.emulator.message(menu.id)?.content).toBe('picked a,b');

    const modal = bot.emulator.modalSubmit({ customId: 'compose', fields: { subject: 'Hello' } });
    expect(await modal.callback()).toMatchObject({ type: 4, ephemeral: true, data: { content: 'saved' } });

    expect(seen).toEqual([`dm:null:false:${String(dm.payload.channel_id)}:1`, 'select:a,b', 'modal:Hello']);
    expect(dm.payload).toMatchObject({ user: { id: USER.id }, authorizing_integration_owners: { '1': USER.id } });
    expect(dm.payload.member).toBeUndefined();
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });

  it('speaks zlib-stream when a client asks for it', async () => {
    const emulator = await startEmulator();
    const socket = new WebSocket(`${emulator.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    kit.defer(() => socket.terminate());
    const frames: Buffer[] = [];
    const decoded = () => JSON.parse(inflateSync(Buffer.concat(frames), { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString()) as unknown;
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        frames.push(data);
        resolve();
      });
      socket.on('error', reject);
    });
    const last = frames[0]!;
    expect([...last.subarray(-4)]).toEqual([0, 0, 255, 255]);
    expect(decoded()).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
  });
});
