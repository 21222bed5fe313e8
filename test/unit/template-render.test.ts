// Template results as Discord messages stay within what Discord accepts, however many templates a
// server has and however long their history: checked with the emulator's own message validation.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/app/commands.js';
import { renderForDiscord } from '../../src/bot/render.js';
import { MAX_SERVER_TEMPLATES, MAX_VARIABLES } from '../../src/domain/limits.js';
import type { ServerTemplateView } from '../../src/mail/server-template-service.js';
import type { TemplateSummary } from '../../src/mail/template-resolver.js';
import { validateMessageBody } from '../discord-emulator/validation.js';

const ctx: CommandContext = { userId: '1', guildId: '2', locale: 'en', timeZone: 'UTC', isServerAdmin: true };
const variables = Array.from({ length: MAX_VARIABLES }, (_, i) => `variable_with_a_long_name_${String(i).padStart(2, '0')}`);
const body = (reply: ReturnType<typeof renderForDiscord>) => JSON.parse(JSON.stringify({ ...reply, embeds: reply.embeds?.map((e) => ('toJSON' in e ? e.toJSON() : e)) }));

describe('template results for Discord', () => {
  it('a full server list fits into one message, saying how many it left out', () => {
    const templates: TemplateSummary[] = Array.from({ length: MAX_SERVER_TEMPLATES + 3 }, (_, i) => ({
      source: i < 3 ? 'builtin' : 'server',
      name: `template-${String(i).padStart(2, '0')}-${'x'.repeat(20)}`,
      languages: ['en', 'ko'],
      variables,
      optional: variables.slice(0, 5),
      ...(i < 3 ? { description: { en: 'd'.repeat(200), ko: 'ㄷ'.repeat(200) } } : { version: i }),
    }));
    const reply = body(renderForDiscord({ kind: 'template-list', templates }, ctx));
    expect(() => validateMessageBody(reply)).not.toThrow();
    const shown = reply.embeds.flatMap((e: { fields?: unknown[] }) => e.fields ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(templates.length);
    expect(reply.embeds.at(-1).footer.text).toBe(`… and ${templates.length - shown} more`);
    expect(reply.embeds[0].title).toBe(`Templates (${templates.length})`);
  });

  it('a long history keeps its newest changes and says how many earlier ones there are', () => {
    const at = new Date('2026-11-27T00:00:00Z');
    const template: ServerTemplateView = {
      source: 'server',
      name: 'launch',
      version: 300,
      languages: (['en', 'ko'] as const).map((language) => ({ language, subject: 's'.repeat(200), text: 't'.repeat(20_000), html: null, variables, optional: [] })),
      createdBy: '100000000000000001',
      createdAt: at,
      updatedBy: 'console',
      updatedAt: at,
      history: Array.from({ length: 300 }, (_, i) => ({ version: i + 1, action: i === 0 ? 'create' : 'edit', language: 'en', actorId: '100000000000000001', at }) as const),
    };
    const reply = body(renderForDiscord({ kind: 'template', template }, ctx));
    expect(() => validateMessageBody(reply)).not.toThrow();
    const history: string = reply.embeds[0].fields.find((f: { name: string }) => f.name === 'Changes').value;
    const lines = history.split('\n');
    expect(lines[0]).toMatch(/^… and \d+ more$/);
    expect(lines.at(-1)).toBe(`v300 · edited (en) · <@100000000000000001> · <t:${at.getTime() / 1000}:f>`);
    expect(Number(/\d+/.exec(lines[0]!)![0]) + lines.length - 1).toBe(300);
    // A console author is named, not mentioned.
    expect(reply.embeds[0].fields.find((f: { name: string }) => f.name === 'Last change').value).toMatch(/^console · /);
  });
});
