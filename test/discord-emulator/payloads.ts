/**
 * Pure builders for the JSON payloads the emulator emits (users, guilds, channels,
 * messages, interactions, application commands). No I/O in here.
 */
import { randomBytes } from 'node:crypto';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIApplicationCommandInteractionDataOption,
  APIChannel,
  APIEmbed,
  APIGuildMember,
  APIMessage,
  APIRole,
  APIUser,
} from 'discord-api-types/v10';

/* ------------------------------------------------------------------ constants */

/** Numeric values from the Discord API, kept local so they read as the numbers the wire carries. */
export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

export const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredMessageUpdate: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
  LaunchActivity: 12,
} as const;

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export const MessageFlag = { SuppressEmbeds: 1 << 2, Ephemeral: 1 << 6, Loading: 1 << 7, IsComponentsV2: 1 << 15 } as const;

/** Permission bits used by the defaults below (see Discord's permission table). */
export const Permission = {
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
} as const;

/** Default `member.permissions` of an interaction: a regular member who may also manage the guild (not Administrator). */
export const DEFAULT_MEMBER_PERMISSIONS = (
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseApplicationCommands |
  Permission.ManageGuild
).toString();

/** Default `app_permissions` of an interaction (what the bot may do in the channel). */
export const DEFAULT_APP_PERMISSIONS = (
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.UseApplicationCommands
).toString();

/** Every permission bit Discord defines: what the guild owner and Administrators have. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** Permissions of the @everyone role in emulated guilds. */
export const EVERYONE_PERMISSIONS = (
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.UseApplicationCommands
).toString();

/* ------------------------------------------------------------------ ids */

const DISCORD_EPOCH = 1420070400000n;
let snowflakeIncrement = 0n;

/** A fresh, time-ordered snowflake (unique within this process). */
export function snowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** An opaque random token, like interaction tokens. */
export function randomToken(bytes = 48): string {
  return randomBytes(bytes).toString('base64url');
}

export function isoNow(at: number = Date.now()): string {
  return new Date(at).toISOString();
}

/* ------------------------------------------------------------------ users, guilds, channels */

/** How tests describe a user. Only `id` is needed; the rest is filled in. */
export interface UserInput {
  id: string;
  username?: string;
  globalName?: string | null;
  bot?: boolean;
  /** Returned by `GET /users/@me` to OAuth2 tokens with the `email` scope. */
  email?: string;
  /** The user's Discord language: `locale` of their interactions and of `GET /users/@me` (default 'en-US'). */
  locale?: string;
}

export function buildUser(input: UserInput): APIUser {
  const user: APIUser = {
    id: input.id,
    username: input.username ?? `user${input.id.slice(-6)}`,
    discriminator: '0',
    global_name: input.globalName ?? null,
    avatar: null,
  };
  if (input.bot) user.bot = true;
  return user;
}

export interface GuildInput {
  id: string;
  name: string;
  ownerId?: string;
  /** Guild locale (`guild_locale` of interactions, `preferred_locale`), default 'en-US'. */
  preferredLocale?: string;
  /** Text channels of the guild; default one channel named `general` with a generated id. */
  channels?: { id?: string; name: string }[];
  /** Members besides the owner (who is always one) and the bot. */
  members?: MemberInput[];
}

/** How tests describe a guild member. */
export interface MemberInput {
  user: UserInput;
  /** The member's guild-wide permissions (default DEFAULT_MEMBER_PERMISSIONS). */
  permissions?: string | bigint;
  roles?: string[];
  nick?: string | null;
}

export interface EmulatedMember {
  userId: string;
  /** As configured; the owner and Administrators get ALL_PERMISSIONS on top (see `effectivePermissions`). */
  permissions: bigint;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface EmulatedGuild {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  joinedAt: string;
  channelIds: string[];
  /** Members by user id (the bot is not listed). */
  members: Map<string, EmulatedMember>;
}

/** Discord's base permissions: everything for the owner and for Administrators, else the member's own. */
export function effectivePermissions(guild: EmulatedGuild, member: EmulatedMember): bigint {
  if (guild.ownerId === member.userId || (member.permissions & Permission.Administrator) !== 0n) return ALL_PERMISSIONS;
  return member.permissions;
}

export function buildEveryoneRole(guildId: string): APIRole {
  const role = {
    id: guildId,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: EVERYONE_PERMISSIONS,
    managed: false,
    mentionable: false,
    flags: 0,
  };
  return role as unknown as APIRole;
}

export function buildGuildTextChannel(guildId: string, id: string, name: string, position: number): APIChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  } as unknown as APIChannel;
}

export function buildDmChannel(id: string, recipient: APIUser): APIChannel {
  return { id, type: 1, last_message_id: null, flags: 0, recipients: [recipient] } as unknown as APIChannel;
}

export function buildMember(
  user: APIUser,
  opts: { roles?: string[]; joinedAt?: string; permissions?: string; nick?: string | null } = {},
): APIGuildMember & { permissions?: string } {
  const member: Record<string, unknown> = {
    user,
    nick: opts.nick ?? null,
    avatar: null,
    banner: null,
    roles: opts.roles ?? [],
    joined_at: opts.joinedAt ?? isoNow(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
  if (opts.permissions !== undefined) member.permissions = opts.permissions;
  return member as unknown as APIGuildMember & { permissions?: string };
}

/** The `d` of a GUILD_CREATE dispatch. */
export function buildGuildCreate(guild: EmulatedGuild, channels: APIChannel[], botUser: APIUser): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [buildEveryoneRole(guild.id)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: guild.preferredLocale,
    nsfw_level: 0,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size + 1,
    voice_states: [],
    members: [buildMember(botUser, { joinedAt: guild.joinedAt })],
    channels: channels.map((c) => {
      // Channels inside GUILD_CREATE carry no guild_id.
      const { guild_id: _omit, ...rest } = c as APIChannel & { guild_id?: string };
      return rest;
    }),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/* ------------------------------------------------------------------ messages */

/** A file received in a multipart body. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** The JSON body fields of message create/edit requests the emulator understands. */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  flags?: number | null;
  tts?: boolean;
  attachments?: { id: string | number; filename?: string; description?: string }[] | null;
  message_reference?: unknown;
  poll?: unknown;
  allowed_mentions?: unknown;
}

export interface MessageContext {
  id: string;
  channelId: string;
  author: APIUser;
  guildId?: string | null;
  /** Set for interaction responses / follow-ups (= application id). */
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: Record<string, unknown>;
  files?: UploadedFile[];
}

/** Discord names a file's type from its name when the upload does not say (discord.js sends application/octet-stream). */
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

function contentTypeOf(file: UploadedFile, filename: string): string {
  if (file.contentType !== 'application/octet-stream') return file.contentType;
  return CONTENT_TYPES[/\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? ''] ?? file.contentType;
}

function buildAttachments(body: MessageBody, files: UploadedFile[], channelId: string): unknown[] {
  const described = body.attachments ?? [];
  return files.map((file, index) => {
    const match = /\[(\d+)\]/.exec(file.field);
    const fileIndex = match?.[1] ?? String(index);
    const meta = described.find((a) => String(a.id) === fileIndex);
    const id = snowflake();
    const filename = meta?.filename ?? file.filename;
    return {
      id,
      filename,
      description: meta?.description,
      content_type: contentTypeOf(file, filename),
      size: file.data.length,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${filename}`,
      proxy_url: `https://media.discordapp.net/attachments/${channelId}/${id}/${filename}`,
    };
  });
}

/** A complete message object, good enough for discord.js to build a `Message`. */
export function buildMessage(body: MessageBody, ctx: MessageContext): APIMessage {
  const message: Record<string, unknown> = {
    id: ctx.id,
    channel_id: ctx.channelId,
    author: ctx.author,
    content: body.content ?? '',
    timestamp: isoNow(),
    edited_timestamp: null,
    tts: body.tts ?? false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: buildAttachments(body, ctx.files ?? [], ctx.channelId),
    embeds: body.embeds ?? [],
    reactions: [],
    pinned: false,
    type: 0,
    flags: body.flags ?? 0,
    components: body.components ?? [],
  };
  if (ctx.guildId) message.guild_id = ctx.guildId;
  if (ctx.webhookId) message.webhook_id = ctx.webhookId;
  if (ctx.applicationId) message.application_id = ctx.applicationId;
  if (ctx.interactionMetadata) message.interaction_metadata = ctx.interactionMetadata;
  if (body.message_reference) message.message_reference = body.message_reference;
  if (body.poll) message.poll = body.poll;
  return message as unknown as APIMessage;
}

/** Applies an edit body to a stored message and returns the new version. */
export function applyMessageEdit(current: APIMessage, body: MessageBody, files: UploadedFile[] = []): APIMessage {
  const next: Record<string, unknown> = { ...current, edited_timestamp: isoNow() };
  if ('content' in body) next.content = body.content ?? '';
  if ('embeds' in body) next.embeds = body.embeds ?? [];
  if ('components' in body) next.components = body.components ?? [];
  if ('attachments' in body || files.length > 0) {
    // `attachments` lists the existing attachments to keep (by id) and describes new uploads;
    // without it, the message keeps the ones it has.
    const keepIds = body.attachments == null ? undefined : new Set(body.attachments.map((a) => String(a.id)));
    const kept = (current.attachments ?? []).filter((a) => keepIds === undefined || keepIds.has(a.id));
    next.attachments = [...kept, ...buildAttachments(body, files, current.channel_id)];
  }
  // Only a few flags are editable; the loading state ends with the first edit.
  const flags = current.flags ?? 0;
  let newFlags = flags & ~MessageFlag.Loading;
  if (typeof body.flags === 'number') {
    newFlags = (newFlags & ~MessageFlag.SuppressEmbeds) | (body.flags & (MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2));
  }
  next.flags = newFlags;
  return next as unknown as APIMessage;
}

export function isMessageEmpty(message: Pick<APIMessage, 'content' | 'embeds' | 'components' | 'attachments'> & { poll?: unknown; flags?: number }): boolean {
  return (
    !message.content &&
    (message.embeds?.length ?? 0) === 0 &&
    (message.components?.length ?? 0) === 0 &&
    (message.attachments?.length ?? 0) === 0 &&
    !message.poll
  );
}

/* ------------------------------------------------------------------ interactions */

/** Friendly option input: either raw API options, or a record of name → value (string → 3, integer → 4, other number → 10, boolean → 5). */
export type OptionsInput = APIApplicationCommandInteractionDataOption[] | Record<string, string | number | boolean>;

export function normalizeOptions(
  input: OptionsInput | undefined,
  opts: { subcommand?: string; subcommandGroup?: string; focused?: string } = {},
): APIApplicationCommandInteractionDataOption[] {
  let options: APIApplicationCommandInteractionDataOption[];
  if (input === undefined) options = [];
  else if (Array.isArray(input)) options = input;
  else {
    options = Object.entries(input).map(([name, value]) => {
      const type =
        typeof value === 'string'
          ? OptionType.String
          : typeof value === 'boolean'
            ? OptionType.Boolean
            : Number.isInteger(value)
              ? OptionType.Integer
              : OptionType.Number;
      const option: Record<string, unknown> = { name, type, value };
      if (opts.focused === name) option.focused = true;
      return option as unknown as APIApplicationCommandInteractionDataOption;
    });
  }
  if (opts.subcommand !== undefined) {
    options = [{ name: opts.subcommand, type: OptionType.Subcommand, options } as APIApplicationCommandInteractionDataOption];
  }
  if (opts.subcommandGroup !== undefined) {
    options = [{ name: opts.subcommandGroup, type: OptionType.SubcommandGroup, options } as APIApplicationCommandInteractionDataOption];
  }
  return options;
}

export interface InteractionBase {
  id: string;
  token: string;
  applicationId: string;
  user: APIUser;
  /** null for a DM interaction. */
  guild: EmulatedGuild | null;
  channel: APIChannel;
  locale: string;
  memberPermissions: string;
  appPermissions: string;
  memberRoles: string[];
  memberJoinedAt?: string;
  memberNick?: string | null;
}

/** Everything common to interaction payloads (without `type` and `data`). */
export function buildInteractionEnvelope(base: InteractionBase): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    id: base.id,
    application_id: base.applicationId,
    token: base.token,
    version: 1,
    channel: base.channel,
    channel_id: base.channel.id,
    app_permissions: base.appPermissions,
    locale: base.locale,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (base.guild) {
    envelope.guild_id = base.guild.id;
    envelope.guild = { id: base.guild.id, locale: base.guild.preferredLocale, features: [] };
    envelope.guild_locale = base.guild.preferredLocale;
    envelope.member = buildMember(base.user, {
      roles: base.memberRoles,
      joinedAt: base.memberJoinedAt ?? base.guild.joinedAt,
      permissions: base.memberPermissions,
      nick: base.memberNick,
    });
    envelope.authorizing_integration_owners = { '0': base.guild.id };
    envelope.context = 0;
  } else {
    envelope.user = base.user;
    envelope.authorizing_integration_owners = { '1': base.user.id };
    envelope.context = 1;
  }
  return envelope;
}

/** `interaction_metadata` put on messages created in response to an interaction. */
export function buildInteractionMetadata(interaction: { id: string; type: number; user: APIUser; owners: unknown; interactedMessageId?: string }): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    id: interaction.id,
    type: interaction.type,
    user: interaction.user,
    authorizing_integration_owners: interaction.owners,
  };
  if (interaction.interactedMessageId) metadata.interacted_message_id = interaction.interactedMessageId;
  return metadata;
}

/* ------------------------------------------------------------------ application commands */

export type CommandInput = Partial<APIApplicationCommand> & { name: string };

export function buildCommand(
  input: CommandInput,
  ctx: { id: string; applicationId: string; guildId?: string; version: string },
): APIApplicationCommand {
  const type = input.type ?? 1;
  const command: Record<string, unknown> = {
    id: ctx.id,
    application_id: ctx.applicationId,
    version: ctx.version,
    type,
    name: input.name,
    name_localizations: input.name_localizations ?? null,
    description: input.description ?? '',
    description_localizations: input.description_localizations ?? null,
    default_member_permissions: input.default_member_permissions ?? null,
    nsfw: input.nsfw ?? false,
    integration_types: input.integration_types ?? [0],
    contexts: input.contexts ?? null,
  };
  if (type === 1) command.options = input.options ?? [];
  if (ctx.guildId) command.guild_id = ctx.guildId;
  else command.dm_permission = input.dm_permission ?? true;
  return command as unknown as APIApplicationCommand;
}
