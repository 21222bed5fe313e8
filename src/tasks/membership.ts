// Is a task's requester still a member of the server the task was made in? The worker asks right
// before it sends (src/activities/send-mail.ts). Discord answers through its REST API with the bot
// token, like the DM notifier: no gateway, no privileged intent. Without Discord (the console, the
// tests that run no bot) there is no checker and no check.
import { DiscordAPIError, REST } from '@discordjs/rest';
import { RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import { MEMBERSHIP_CACHE_MS, MEMBERSHIP_CHECK_TIMEOUT_MS } from '../domain/limits.js';

/** 'server-gone': Herald itself is no longer in the server. */
export type Membership = 'member' | 'not-member' | 'server-gone';

export interface MembershipChecker {
  /** Throws when it cannot tell (Discord unreachable, a timeout, an unexpected answer). */
  check(guildId: string, userId: string): Promise<Membership>;
}

export class DiscordMembershipChecker implements MembershipChecker {
  private readonly rest: REST;
  /** Members seen lately, and answers on the way: the mails of one burst share one request per member. */
  private readonly members = new Map<string, number>();
  private readonly pending = new Map<string, Promise<Membership>>();

  constructor(
    options: { token: string; apiUrl: string },
    private readonly clock: () => number = Date.now,
  ) {
    // One try within a short time: the answer is needed right before a send.
    this.rest = new REST({ api: options.apiUrl, timeout: MEMBERSHIP_CHECK_TIMEOUT_MS, retries: 0 }).setToken(options.token);
  }

  check(guildId: string, userId: string): Promise<Membership> {
    const key = `${guildId}/${userId}`;
    const seen = this.members.get(key);
    if (seen !== undefined && this.clock() - seen < MEMBERSHIP_CACHE_MS) return Promise.resolve('member');
    let answer = this.pending.get(key);
    if (!answer) {
      answer = this.ask(guildId, userId).finally(() => this.pending.delete(key));
      this.pending.set(key, answer);
    }
    return answer;
  }

  private async ask(guildId: string, userId: string): Promise<Membership> {
    const key = `${guildId}/${userId}`;
    try {
      await this.rest.get(Routes.guildMember(guildId, userId));
      this.members.set(key, this.clock());
      return 'member';
    } catch (err) {
      this.members.delete(key);
      if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMember) return 'not-member';
      if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownGuild) return 'server-gone';
      throw err;
    }
  }
}
