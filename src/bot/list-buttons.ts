// Previous and Next under a /reserved listing. Everything a page needs is in the button's custom id
// (scope, owner, offset, page size), so paging keeps working after the bot restarts; only the
// person the listing was made for can page it, and the core checks the scope again (an admin who
// lost the permission sees their own tasks only).
import type { ButtonInteraction } from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import type { ListScope } from '../tasks/task-service.js';
import type { BotServices } from './command.js';
import { answerOwnButton } from './own-button.js';

const PREFIX = 'herald:list:';
const SCOPES: Record<string, ListScope> = { m: 'mine', s: 'server' };

export interface ListPageTarget {
  scope: ListScope;
  ownerId: string;
  offset: number;
  limit: number;
}

export function listButtonId(target: ListPageTarget): string {
  return `${PREFIX}${target.scope === 'server' ? 's' : 'm'}:${target.ownerId}:${target.offset}:${target.limit}`;
}

export function parseListButtonId(customId: string): ListPageTarget | undefined {
  const match = /^herald:list:([ms]):(\d{1,25}):(\d{1,7}):(\d{1,3})$/.exec(customId);
  if (!match) return undefined;
  return { scope: SCOPES[match[1]!]!, ownerId: match[2]!, offset: Number(match[3]), limit: Number(match[4]) };
}

export async function handleListButton(
  interaction: ButtonInteraction,
  target: ListPageTarget,
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  await answerOwnButton(interaction, target.ownerId, 'NOT_YOUR_LIST_BUTTON', ctx, () =>
    services.commands.reserved(ctx, { scope: target.scope, offset: target.offset, limit: target.limit }),
  );
}
