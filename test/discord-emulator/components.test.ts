// Buttons for paging (Previous/Next answered with UPDATE_MESSAGE or a deferred update), what a user
// can and cannot click, and Discord's checks on the components a bot sends.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  MessageFlags,
  Routes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorTestKit, settle, USER } from './bot-harness.js';
import { interactiveComponents } from './emulator.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());

const ITEMS = Array.from({ length: 7 }, (_, i) => `task ${i + 1}`);
const PAGE_SIZE = 3;
const PAGES = Math.ceil(ITEMS.length / PAGE_SIZE);

/** Page `n` (0-based) of a list, with Previous/Next buttons that carry the page they lead to. */
function page(n: number) {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`list:${n - 1}`).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(n === 0),
    new ButtonBuilder().setCustomId(`list:${n + 1}`).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(n === PAGES - 1),
  );
  return { content: `Page ${n + 1}/${PAGES}: ${ITEMS.slice(n * PAGE_SIZE, (n + 1) * PAGE_SIZE).join(', ')}`, components: [row] };
}

describe('message components', () => {
  it('pages with Previous/Next: update (7) and deferUpdate (6) + editReply edit the same message', async () => {
    const bot = await kit.startBot();
    bot.onInteraction(async (interaction) => {
      if (interaction.isChatInputCommand()) await (interaction as ChatInputCommandInteraction).reply({ ...page(0), flags: MessageFlags.Ephemeral });
      else if (interaction.isButton()) {
        const target = Number((interaction as ButtonInteraction).customId.split(':')[1]);
        // Odd pages take the slow path, as a bot does when the page needs a database query.
        if (target % 2 === 1) {
          await interaction.deferUpdate();
          await interaction.editReply(page(target));
        } else await interaction.update(page(target));
      }
    });

    const list = await bot.emulator.slashCommand({ name: 'list' }).waitForFinal();
    expect(list.content).toBe('Page 1/3: task 1, task 2, task 3');
    expect(interactiveComponents(list).map((c) => [c.customId, c.label, c.disabled])).toEqual([
      ['list:-1', 'Previous', true],
      ['list:1', 'Next', false],
    ]);

    const next = bot.emulator.button({ customId: 'list:1', message: list.id });
    expect((await next.callback()).type).toBe(6);
    const second = await next.waitForFinal();
    expect(second).toMatchObject({ id: list.id, content: 'Page 2/3: task 4, task 5, task 6' });
    expect(second.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);

    const last = bot.emulator.button({ customId: 'list:2', message: list.id });
    expect((await last.callback()).type).toBe(7);
    expect((await last.waitForFinal()).content).toBe('Page 3/3: task 7');
    expect(interactiveComponents(bot.emulator.message(list.id)!).map((c) => c.disabled)).toEqual([false, true]);

    // The user cannot click what is disabled, or a button that is no longer on the message.
    expect(() => bot.emulator.button({ customId: 'list:3', message: list.id })).toThrow(/"list:3" .*it is disabled/);
    expect(() => bot.emulator.button({ customId: 'list:0', message: list.id })).toThrow(/no such component \(it has: list:1, list:3\)/);
    // Only the user it was shown to sees an ephemeral message.
    const bob = { id: '1100000000000000077', username: 'bob' };
    expect(() => bot.emulator.button({ customId: 'list:1', message: list.id, user: bob })).toThrow(new RegExp(`only user ${USER.id} sees it`));

    const back = bot.emulator.button({ customId: 'list:1', message: list.id });
    expect((await back.waitForFinal()).content).toBe('Page 2/3: task 4, task 5, task 6');
    expect(bot.emulator.interactions).toHaveLength(4);
    expect(bot.handlerErrors).toEqual([]);
    expect(bot.emulator.unhandledRequests).toEqual([]);
  });

  it('checks select menu choices against the options on the message', async () => {
    const emulator = await kit.startEmulator();
    const menu = emulator.seedMessage({
      content: 'Pick a language',
      components: [{ type: 1, components: [{ type: 3, custom_id: 'lang', options: [{ label: 'English', value: 'en' }, { label: '한국어', value: 'ko' }] }] }],
    });
    expect(() => emulator.selectMenu({ customId: 'lang', values: ['fr'], message: menu.id })).toThrow(/fr not among its options/);
    expect(() => emulator.selectMenu({ customId: 'lang', values: ['en', 'ko'], message: menu.id })).toThrow(/2 values chosen, it takes 1 to 1/);
    expect(() => emulator.button({ customId: 'lang', message: menu.id })).toThrow(/type 3, not 2/);
  });

  it("refuses components Discord would refuse: width, custom ids, link buttons' urls", async () => {
    const { emulator, client } = await kit.startBot();
    // Straight through the REST client: discord.js' builders would refuse some of these before sending.
    const send = (components: unknown[]) =>
      client.rest.post(Routes.channelMessages(emulator.defaultChannelId()), { body: { content: 'x', components } }) as Promise<{ id: string }>;
    const button = (id: string) => ({ type: 2, style: 1, label: id, custom_id: id });
    const select = { type: 3, custom_id: 's', options: [{ label: 'a', value: 'a' }] };
    const cases: [unknown[], string, string][] = [
      [[{ type: 1, components: [button('a'), button('a')] }], 'components.0.components.1.custom_id', 'COMPONENT_CUSTOM_ID_DUPLICATED'],
      [[{ type: 1, components: [1, 2, 3, 4, 5, 6].map((i) => button(`b${i}`)) }], 'components.0.components', 'BASE_TYPE_BAD_LENGTH'],
      [[{ type: 1, components: [select, button('x')] }], 'components.0.components', 'COMPONENT_LAYOUT_WIDTH_EXCEEDED'],
      [[{ type: 1, components: [{ type: 2, style: 1, label: 'no id' }] }], 'components.0.components.0.custom_id', 'BASE_TYPE_BAD_LENGTH'],
      [[{ type: 1, components: [{ type: 2, style: 5, label: 'docs' }] }], 'components.0.components.0.url', 'BASE_TYPE_REQUIRED'],
      [[{ type: 1, components: [{ ...button('l'), label: 'L'.repeat(81) }] }], 'components.0.components.0.label', 'BASE_TYPE_MAX_LENGTH'],
    ];
    for (const [components, path, code] of cases) {
      const sent = await settle(send(components));
      expect(sent.ok, path).toBe(false);
      const error = (sent as { error: DiscordAPIError }).error;
      expect(error.code).toBe(50035);
      const leaf = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], (error.rawError as { errors?: unknown }).errors);
      expect(leaf, path).toMatchObject({ _errors: [{ code }] });
    }
    const ok = await send([{ type: 1, components: [{ type: 2, style: 5, label: 'docs', url: 'https://example.com' }, button('y')] }]);
    expect(interactiveComponents(emulator.message(ok.id)!).map((c) => c.url ?? c.customId)).toEqual(['https://example.com', 'y']);
  });
});
