// Outcome notices: when a reservation is sent or finally fails, its requester is told.
// Discord users get a DM through Discord's REST API (from the worker, no gateway needed);
// without Discord, the notice is logged.
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { failureText, ui } from '../i18n/ui.js';
import type { Logger } from '../logger.js';
import type { Task } from '../tasks/task-view.js';

export type Outcome = 'sent' | 'failed';

export interface OutcomeNotifier {
  /** 'undeliverable' when the user cannot be reached (DMs closed); throws on errors worth retrying. */
  notify(task: Task, outcome: Outcome): Promise<'delivered' | 'undeliverable'>;
}

export function noticeText(task: Task, outcome: Outcome): string {
  const { language, template, recipients } = task;
  const head = outcome === 'sent' ? `✅ ${ui(language, 'outcomeSent')}` : `⚠️ ${ui(language, 'outcomeFailed')}`;
  const lines = [head, `${ui(language, 'task')}: \`${task.id}\` · ${template} → ${recipients.join(', ')}`];
  if (task.description) lines.push(`${ui(language, 'description')}: ${task.description}`);
  // A classified reason, never the raw error: that can name the relay's host and port.
  if (outcome === 'failed') lines.push(`> ${failureText(language, task)}`);
  return lines.join('\n');
}

/** Discord's code for "Cannot send messages to this user" (DMs closed, no shared server, blocked). */
const CANNOT_MESSAGE_USER = 50007;

export class DiscordDmNotifier implements OutcomeNotifier {
  private readonly rest: REST;

  constructor(
    options: { token: string; apiUrl: string },
    private readonly logger: Logger,
  ) {
    this.rest = new REST({ api: options.apiUrl }).setToken(options.token);
  }

  async notify(task: Task, outcome: Outcome): Promise<'delivered' | 'undeliverable'> {
    try {
      const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: task.requesterId } })) as { id: string };
      await this.rest.post(Routes.channelMessages(channel.id), {
        body: { content: noticeText(task, outcome), allowed_mentions: { parse: [] } },
      });
      return 'delivered';
    } catch (err) {
      if (err instanceof DiscordAPIError && (err.code === CANNOT_MESSAGE_USER || err.status === 403 || err.status === 404)) {
        this.logger.warn({ taskId: task.id, requesterId: task.requesterId, code: err.code }, 'outcome DM not delivered: the user cannot be messaged');
        return 'undeliverable';
      }
      throw err;
    }
  }
}

export class LogNotifier implements OutcomeNotifier {
  constructor(private readonly logger: Logger) {}

  async notify(task: Task, outcome: Outcome): Promise<'delivered'> {
    this.logger.info({ taskId: task.id, requesterId: task.requesterId, outcome }, `notice: ${noticeText(task, outcome).split('\n')[0]}`);
    return 'delivered';
  }
}
