/**
 * The emulated Discord world: users, guilds, channels, messages, commands and interactions.
 * REST handlers and the public emulator API both read and write this.
 */
import type { APIApplicationCommand, APIChannel, APIMessage, APIUser } from 'discord-api-types/v10';
import { ChangeSignal, type InteractionRecord } from './interactions.js';
import { OAuth2State, type OAuth2Options } from './oauth2.js';
import {
  buildDmChannel,
  buildGuildTextChannel,
  buildUser,
  DEFAULT_MEMBER_PERMISSIONS,
  isoNow,
  MessageFlag,
  snowflake,
  type EmulatedGuild,
  type EmulatedMember,
  type GuildInput,
  type MemberInput,
  type UploadedFile,
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
  oauth2: OAuth2Options;
  /** Who is signed in for OAuth2 until a test says otherwise. */
  defaultUserId: string;
}

export class EmulatorState {
  readonly signal = new ChangeSignal();
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly token: string;
  ackTimeoutMs: number;
  interactionTokenTtlMs: number;

  readonly users = new Map<string, APIUser>();
  /** Account details kept off the user objects: only OAuth2 tokens see them (`email` scope, `locale`). */
  readonly accounts = new Map<string, { email?: string; locale?: string }>();
  readonly guilds = new Map<string, EmulatedGuild>();
  readonly channels = new Map<string, APIChannel>();
  /** DM channel id by recipient user id. */
  readonly dmChannelByUser = new Map<string, string>();
  readonly closedDms = new Set<string>();
  readonly messages = new Map<string, APIMessage>();
  /** The bytes behind each attachment id, as uploaded (Discord's CDN, here). */
  readonly uploads = new Map<string, UploadedFile>();
  /** Message ids per channel in creation order (ephemeral messages excluded). */
  readonly channelMessageIds = new Map<string, string[]>();
  readonly interactionsById = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();

  globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  /** Authorizations, codes and tokens. */
  readonly oauth2: OAuth2State;

  readonly requests: RecordedRequest[] = [];
  readonly unhandledRequests: RecordedRequest[] = [];

  constructor(options: StateOptions) {
    this.applicationId = options.applicationId;
    this.token = options.token;
    this.ackTimeoutMs = options.ackTimeoutMs;
    this.interactionTokenTtlMs = options.interactionTokenTtlMs;
    this.oauth2 = new OAuth2State(this, options.oauth2, options.defaultUserId);
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
      members: new Map(),
    };
    channelInputs.forEach((c, position) => {
      const id = c.id ?? snowflake();
      this.channels.set(id, buildGuildTextChannel(guild.id, id, c.name, position));
      guild.channelIds.push(id);
    });
    this.guilds.set(guild.id, guild);
    this.addMember(guild.id, { user: { id: guild.ownerId } });
    for (const member of input.members ?? []) this.addMember(guild.id, member);
    return guild;
  }

  guildOrThrow(guildId: string): EmulatedGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`discord-emulator: unknown guild ${guildId}`);
    return guild;
  }

  /** Adds a member, or updates the given fields of an existing one. */
  addMember(guildId: string, input: MemberInput): EmulatedMember {
    const guild = this.guildOrThrow(guildId);
    const user = this.upsertUser(input.user);
    const existing = guild.members.get(user.id);
    const member: EmulatedMember = {
      userId: user.id,
      permissions: BigInt(input.permissions ?? existing?.permissions ?? DEFAULT_MEMBER_PERMISSIONS),
      roles: input.roles ?? existing?.roles ?? [],
      nick: input.nick !== undefined ? input.nick : (existing?.nick ?? null),
      joinedAt: existing?.joinedAt ?? isoNow(),
    };
    guild.members.set(user.id, member);
    this.signal.notify();
    return member;
  }

  /** Removes a member (kicked, banned or left); false if the user was not one. */
  removeMember(guildId: string, userId: string): boolean {
    const guild = this.guildOrThrow(guildId);
    if (guild.ownerId === userId) throw new Error(`discord-emulator: user ${userId} owns guild ${guildId} and cannot leave it`);
    const removed = guild.members.delete(userId);
    this.signal.notify();
    return removed;
  }

  member(guildId: string, userId: string): EmulatedMember | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  /** The guilds a user is a member of, in creation order. */
  guildsOf(userId: string): EmulatedGuild[] {
    return [...this.guilds.values()].filter((guild) => guild.members.has(userId));
  }

  /** Registers (or updates) a user and returns its API object. */
  upsertUser(input: UserInput | APIUser): APIUser {
    const existing = this.users.get(input.id);
    if (existing && Object.keys(input).length === 1) return existing;
    if (!('discriminator' in input) && (input.email !== undefined || input.locale !== undefined)) {
      const account = this.accounts.get(input.id) ?? {};
      this.accounts.set(input.id, { email: input.email ?? account.email, locale: input.locale ?? account.locale });
    }
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

  /** Stores a new message; non-ephemeral ones are listed under their channel. `files`: the request's uploads. */
  storeMessage(message: APIMessage, files: readonly UploadedFile[] = []): APIMessage {
    this.keepUploads(undefined, message, files);
    this.messages.set(message.id, message);
    if (((message.flags ?? 0) & MessageFlag.Ephemeral) === 0) {
      const list = this.channelMessageIds.get(message.channel_id) ?? [];
      list.push(message.id);
      this.channelMessageIds.set(message.channel_id, list);
    }
    this.signal.notify();
    return message;
  }

  replaceMessage(message: APIMessage, files: readonly UploadedFile[] = []): APIMessage {
    this.keepUploads(this.messages.get(message.id), message, files);
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

  /** The attachments a message gained are the request's uploads, in order (see buildAttachments). */
  private keepUploads(before: APIMessage | undefined, after: APIMessage, files: readonly UploadedFile[]): void {
    if (files.length === 0) return;
    const had = new Set((before?.attachments ?? []).map((a) => a.id));
    after.attachments.filter((a) => !had.has(a.id)).forEach((attachment, i) => {
      const file = files[i];
      if (file) this.uploads.set(attachment.id, file);
    });
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
