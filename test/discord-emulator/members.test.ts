// The emulated world's people: users in several guilds with per-guild permissions, seen the same way
// by interactions (member.permissions) and by the bot's REST calls (GET /guilds/:id/members/:user).
import { DiscordAPIError, PermissionFlagsBits, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT, EmulatorTestKit, GUILD, settle } from './bot-harness.js';
import { ALL_PERMISSIONS, DEFAULT_MEMBER_PERMISSIONS, Permission } from './emulator.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());

const owner = { id: '1200000000000000001', username: 'olivia' };
const alice = { id: '1200000000000000002', username: 'alice' };
const bob = { id: '1200000000000000003', username: 'bob' };
const carol = { id: '1200000000000000004', username: 'carol' };
const dave = { id: '1200000000000000005', username: 'dave' };
const GUILD_B = { id: '1200000000000000010', name: 'Guild B' };
const REGULAR = Permission.ViewChannel | Permission.SendMessages | Permission.UseApplicationCommands;

const world = {
  guilds: [
    {
      ...GUILD,
      ownerId: owner.id,
      members: [
        { user: alice, permissions: REGULAR | Permission.ManageGuild, roles: ['1200000000000000020'], nick: 'Al' },
        { user: bob, permissions: REGULAR },
      ],
    },
    { ...GUILD_B, members: [{ user: carol }] },
  ],
};

describe('users, guilds and members', () => {
  it("puts each member's permissions for that guild into interactions", async () => {
    const bot = await kit.startBot(world);
    const seen: Record<string, { manage: boolean; admin: boolean; raw: string; nick: string | null }> = {};
    bot.onInteraction(async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand() || !interaction.inCachedGuild()) return;
      const perms = interaction.memberPermissions;
      seen[`${interaction.user.username}@${interaction.guild.name}`] = {
        manage: perms.has(PermissionFlagsBits.ManageGuild),
        admin: perms.has(PermissionFlagsBits.Administrator, false),
        raw: perms.bitfield.toString(),
        nick: interaction.member.nickname,
      };
      await interaction.reply('ok');
    });
    const run = async (user: typeof alice, guildId: string, extra: { memberPermissions?: bigint } = {}) => {
      const handle = bot.emulator.slashCommand({ name: 'who', user, guildId, ...extra });
      await handle.callback();
      return handle;
    };
    const byAlice = await run(alice, GUILD.id);
    expect(byAlice.payload.member).toMatchObject({ roles: ['1200000000000000020'], nick: 'Al', user: { id: alice.id } });
    await run(bob, GUILD.id);
    await run(owner, GUILD.id);
    await run(carol, GUILD_B.id);
    expect(seen).toEqual({
      [`alice@${GUILD.name}`]: { manage: true, admin: false, raw: (REGULAR | Permission.ManageGuild).toString(), nick: 'Al' },
      [`bob@${GUILD.name}`]: { manage: false, admin: false, raw: REGULAR.toString(), nick: null },
      // The owner has every permission, as Discord computes it.
      [`olivia@${GUILD.name}`]: { manage: true, admin: true, raw: ALL_PERMISSIONS.toString(), nick: null },
      [`carol@${GUILD_B.name}`]: { manage: true, admin: false, raw: DEFAULT_MEMBER_PERMISSIONS, nick: null },
    });

    // A per-interaction override leaves the member as configured.
    await run(bob, GUILD.id, { memberPermissions: REGULAR | Permission.Administrator });
    expect(seen[`bob@${GUILD.name}`]?.admin).toBe(true);
    expect(bot.emulator.member(GUILD.id, bob.id)?.permissions).toBe(REGULAR);
    // Granting Manage Server afterwards shows in the next interaction.
    bot.emulator.addMember(GUILD.id, { user: bob, permissions: REGULAR | Permission.ManageGuild });
    await run(bob, GUILD.id);
    expect(seen[`bob@${GUILD.name}`]).toMatchObject({ manage: true, raw: (REGULAR | Permission.ManageGuild).toString() });

    // Someone using a command in a guild is a member of it from then on.
    expect(bot.emulator.member(GUILD_B.id, dave.id)).toBeUndefined();
    await run(dave, GUILD_B.id);
    expect(bot.emulator.member(GUILD_B.id, dave.id)?.permissions).toBe(BigInt(DEFAULT_MEMBER_PERMISSIONS));
    expect(bot.emulator.guildIdsOf(alice.id)).toEqual([GUILD.id]);
    expect(bot.emulator.guildIdsOf(dave.id)).toEqual([GUILD_B.id]);
    expect(bot.handlerErrors).toEqual([]);
  });

  it('answers GET /guilds/:id/members/:user for members only (10007 once removed)', async () => {
    const { emulator, client } = await kit.startBot(world);
    const guild = client.guilds.cache.get(GUILD.id)!;
    const fetched = await guild.members.fetch({ user: bob.id, force: true });
    expect(fetched.user.username).toBe('bob');
    expect((await guild.members.fetch({ user: alice.id, force: true })).nickname).toBe('Al');
    expect((await guild.members.fetch({ user: BOT.id, force: true })).user.bot).toBe(true);

    expect(emulator.removeMember(GUILD.id, bob.id)).toBe(true);
    const gone = await settle(guild.members.fetch({ user: bob.id, force: true }));
    expect(!gone.ok && gone.error).toBeInstanceOf(DiscordAPIError);
    expect(!gone.ok && (gone.error as DiscordAPIError)).toMatchObject({ status: 404, code: 10007, message: 'Unknown Member' });
    // carol exists, but only in guild B.
    const elsewhere = await settle(guild.members.fetch({ user: carol.id, force: true }));
    expect(!elsewhere.ok && (elsewhere.error as DiscordAPIError).code).toBe(10007);
    const noGuild = await settle(client.rest.get(`/guilds/1200000000000000099/members/${alice.id}`));
    expect(!noGuild.ok && (noGuild.error as DiscordAPIError).code).toBe(10004);
    expect(emulator.removeMember(GUILD.id, bob.id)).toBe(false);
    expect(() => emulator.removeMember(GUILD.id, owner.id)).toThrow(/owns guild/);
    expect(emulator.unhandledRequests).toEqual([]);
  });
});
