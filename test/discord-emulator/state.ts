/**
 * The emulated Discord world: users, guilds, channels, messages, commands and interactions.
 * REST handlers and the public emulator API both read and write this.
 */
import type { APIApplicationCommand, APIChannel, APIMessage, APIUser } from 'discord-api-types/v10';
import { ChangeSignal, type InteractionRecord } from './interactions.js';
import {
  buildDmChannel,
  buildGuildTextChannel,
  buildUser,
  isoNow,
  MessageFlag,
  snowflake,
  type EmulatedGuild,
  type GuildInput,
  type UserInput,
} from './payloads.js';

export interface RecordedRequest {
  method: string;
  /** Path as received (before decoding), including the query string. */
  url: string;
  /** Decoded path below the API version prefix. */
  path: string;
  status: number;
  body: unknown;
  /** Error body when status >= 400. */
  error?: unknown;
  at: number;
}

export interface StateOptions {
  applicationId: string;
  botUser: UserInput;
  guilds: GuildInput[];
  token: string;
  ackTimeoutMs: number;
  interactionTokenTtlMs: number;
}

export class EmulatorState {
  readonly signal = new ChangeSignal();
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly token: string;
  ackTimeoutMs: number;
  interactionTokenTtlMs: number;

  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, EmulatedGuild>();
  readonly channels = new Map<string, APIChannel>();
  /** DM channel id by recipient user id. */
  readonly dmChannelByUser = new Map<string, string>();
  readonly closedDms = new Set<string>();
  readonly messages = new Map<string, APIMessage>();
  /** Message ids per channel in creation order (ephemeral messages excluded). */
  readonly channelMessageIds = new Map<string, string[]>();
  readonly interactionsById = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();

  globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  readonly requests: RecordedRequest[] = [];
  readonly unhandledRequests: RecordedRequest[] = [];

  constructor(options: StateOptions) {
    this.applicationId = options.applicationId;
    this.token = options.token;
    this.ackTimeoutMs = options.ackTimeoutMs;
    this.interactionTokenTtlMs = options.interactionTokenTtlMs;
    this.botUser = buildUser({ ...options.botUser, bot: true });
    this.users.set(this.botUser.id, this.botUser);
    for (const guild of options.guilds) this.addGuild(guild);
  }

  addGuild(input: GuildInput): EmulatedGuild {
    const channelInputs = input.channels ?? [{ name: 'general' }];
    const guild: EmulatedGuild = {
      id: input.id,
      name: input.name,
      ownerId: input.ownerId ?? snowflake(),
      preferredLocale: input.preferredLocale ?? 'en-US',
      joinedAt: isoNow(),
      channelIds: [],
    };
    channelInputs.forEach((c, position) => {
      const id = c.id ?? snowflake();
      this.channels.set(id, buildGuildTextChannel(guild.id, id, c.name, position));
      guild.channelIds.push(id);
    });
    this.guilds.set(guild.id, guild);
    return guild;
  }

  /** Registers (or updates) a user and returns its API object. */
  upsertUser(input: UserInput | APIUser): APIUser {
    const existing = this.users.get(input.id);
    if (existing && Object.keys(input).length === 1) return existing;
    const user = 'discriminator' in input ? input : buildUser({ ...input, username: input.username ?? existing?.username });
    this.users.set(user.id, user);
    return user;
  }

  /** The user, or a synthetic one for unknown ids (tests rarely care about user details). */
  userOrSynthetic(id: string): APIUser {
    return this.users.get(id) ?? this.upsertUser({ id });
  }

  dmChannelFor(userId: string): APIChannel {
    let channelId = this.dmChannelByUser.get(userId);
    if (channelId === undefined) {
      channelId = snowflake();
      this.dmChannelByUser.set(userId, channelId);
      this.channels.set(channelId, buildDmChannel(channelId, this.userOrSynthetic(userId)));
    }
    return this.channels.get(channelId) as APIChannel;
  }

  /** Stores a new message; non-ephemeral ones are listed under their channel. */
  storeMessage(message: APIMessage): APIMessage {
    this.messages.set(message.id, message);
    if (((message.flags ?? 0) & MessageFlag.Ephemeral) === 0) {
      const list = this.channelMessageIds.get(message.channel_id) ?? [];
      list.push(message.id);
      this.channelMessageIds.set(message.channel_id, list);
    }
    this.signal.notify();
    return message;
  }

  replaceMessage(message: APIMessage): APIMessage {
    this.messages.set(message.id, message);
    this.signal.notify();
    return message;
  }

  deleteMessage(id: string): void {
    const message = this.messages.get(id);
    if (!message) return;
    this.messages.delete(id);
    const list = this.channelMessageIds.get(message.channel_id);
    if (list) this.channelMessageIds.set(message.channel_id, list.filter((m) => m !== id));
    this.signal.notify();
  }

  channelMessages(channelId: string): APIMessage[] {
    return (this.channelMessageIds.get(channelId) ?? []).flatMap((id) => {
      const message = this.messages.get(id);
      return message ? [message] : [];
    });
  }

  guildOfChannel(channelId: string): string | null {
    const channel = this.channels.get(channelId) as { guild_id?: string } | undefined;
    return channel?.guild_id ?? null;
  }
}
