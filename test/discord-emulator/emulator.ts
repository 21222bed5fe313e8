/**
 * A local Discord API emulator (REST + gateway) that a real discord.js v14 `Client` can log into.
 *
 *   const discord = await startDiscordEmulator({ applicationId, botUser, guilds, token });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
 *   await client.login(token);
 *   const handle = discord.slashCommand({ name: 'ping' });
 *   expect((await handle.callback()).type).toBe(4);
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, APIApplicationCommandInteractionDataOption, APIChannel, APIMessage, APIUser } from 'discord-api-types/v10';
import { checkComponentUse } from './components.js';
import { GatewayServer, type GatewaySession, type IdentifyInfo } from './gateway.js';
import { DEFAULT_WAIT_MS, InteractionHandle, InteractionRecord, type WaitOptions } from './interactions.js';
import { buildModalSubmitComponents, type ModalValues } from './modals.js';
import type { OAuth2Options, OAuth2State } from './oauth2.js';
import {
  buildGuildCreate,
  buildInteractionEnvelope,
  buildMessage,
  DEFAULT_APP_PERMISSIONS,
  effectivePermissions,
  InteractionType,
  normalizeOptions,
  randomToken,
  snowflake,
  type EmulatedGuild,
  type EmulatedMember,
  type GuildInput,
  type MemberInput,
  type MessageBody,
  type OptionsInput,
  type UserInput,
} from './payloads.js';
import { RestApi } from './rest.js';
import { EmulatorState, type RecordedRequest } from './state.js';

export type { RecordedCallback, RecordedEdit, RecordedRefusal, FinalOptions, WaitOptions } from './interactions.js';
export { InteractionHandle } from './interactions.js';
export type { RecordedRequest } from './state.js';
export type { GuildInput, UserInput, OptionsInput, MemberInput, EmulatedMember } from './payloads.js';
export type { ModalField, ModalValues, RecordedModal } from './modals.js';
export type { AuthorizeRecord, OAuth2Grant, OAuth2Options, OAuth2State } from './oauth2.js';
export { interactiveComponents, type InteractiveComponent } from './components.js';
export {
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  DEFAULT_APP_PERMISSIONS,
  Permission,
  MessageFlag,
  CallbackType,
} from './payloads.js';

/** A file a bot uploaded with a message (see `attachmentFile`). */
export interface AttachmentFile {
  id: string;
  filename: string;
  description?: string;
  contentType: string;
  size: number;
  data: Buffer;
  text(): string;
}

export interface DiscordEmulatorOptions {
  /** Application id (snowflake); must be the bot's application. */
  applicationId: string;
  botUser: { id: string; username: string };
  guilds: GuildInput[];
  /** The accepted bot token; anything else gets 401 / gateway close 4004. */
  token: string;
  /** Interactions acked later than this after dispatch get 404 10062 (default 3000). */
  ackTimeoutMs?: number;
  /** Interaction webhook tokens (edits, follow-ups) expire after this (default 15 min). */
  interactionTokenTtlMs?: number;
  /** heartbeat_interval sent in HELLO (default 41250). */
  heartbeatIntervalMs?: number;
  /** The user interactions come from when a builder gets no `user`, and who signs in with OAuth2 by default. */
  defaultUser?: UserInput;
  /** OAuth2 client secret and registered redirect URIs (the client id is `applicationId`). */
  oauth2?: OAuth2Options;
  /** Port to listen on (default 0 = random free port). */
  port?: number;
}

/** Fields common to all interaction builders. */
export interface InteractionInput {
  /** Invoking user (default: `options.defaultUser`, or a generated "tester"). */
  user?: UserInput;
  /** Guild the interaction happens in; default the first guild; `null` for a DM with the bot. */
  guildId?: string | null;
  /** Channel; default the guild's first text channel (or the user's DM channel). */
  channelId?: string;
  /** The user's client locale (`locale`); default the user's `locale`, else 'en-US'. */
  locale?: string;
  /**
   * `member.permissions` of this one interaction. Default: the member's permissions in the guild
   * (ALL_PERMISSIONS for the owner and Administrators). A user who is not a member yet joins the
   * guild with DEFAULT_MEMBER_PERMISSIONS (a regular member who may also Manage Server).
   */
  memberPermissions?: string | bigint;
  /** `app_permissions` (default DEFAULT_APP_PERMISSIONS). */
  appPermissions?: string | bigint;
  /** `member.roles` (default: the member's roles). */
  memberRoles?: string[];
}

export interface SlashCommandInput extends InteractionInput {
  name: string;
  /** Raw API options, or `{ name: value }` (string → 3, integer → 4, other number → 10, boolean → 5). */
  options?: OptionsInput;
  /** Wraps `options` into this sub-command (type 1). */
  subcommand?: string;
  /** Wraps the sub-command into this group (type 2). */
  subcommandGroup?: string;
  /** Command id; default the id of the registered command with this name, else a fresh snowflake. */
  commandId?: string;
  /** `data.resolved` (users, channels... referenced by options). */
  resolved?: Record<string, unknown>;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** Name of the focused option when `options` is a record (raw options carry `focused: true` themselves). */
  focused?: string;
}

/** A message a component lives on: an id of a stored message, or a (partial) message object. */
export type SourceMessage = string | (Partial<APIMessage> & { id: string });

export interface ButtonInput extends InteractionInput {
  customId: string;
  /** The message the button is on; default a minimal bot message in the channel. */
  message?: SourceMessage;
}

export interface SelectInput extends ButtonInput {
  values: string[];
  /** Select menu component type: 3 string (default), 5 user, 6 role, 7 mentionable, 8 channel. */
  componentType?: 3 | 5 | 6 | 7 | 8;
}

export interface SubmitModalInput extends WaitOptions {
  /** Text by text input custom_id, chosen values by string select custom_id; unlisted inputs keep their pre-filled value. */
  values: ModalValues;
}

/** A modal submission made up by the test (no modal shown before); `submitModal` answers a real one. */
export interface ModalSubmitInput extends InteractionInput {
  customId: string;
  /** Text input values by custom_id. */
  fields: Record<string, string>;
  /** Wrap text inputs in label components (type 18) instead of action rows (type 1). */
  layout?: 'actionRow' | 'label';
  /** The message whose component opened the modal, if any. */
  message?: SourceMessage;
}

export class DiscordEmulator {
  /** `http://127.0.0.1:PORT/api`: discord.js' `rest.api`, and the base of OAuth2's `/oauth2/token`. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  /** `http://127.0.0.1:PORT`, in place of `https://discord.com` (e.g. `${origin}/oauth2/authorize`). */
  readonly origin: string;
  readonly port: number;

  private readonly state: EmulatorState;
  private readonly gateway: GatewayServer;
  private readonly defaultUser: UserInput;
  private readonly handles: InteractionHandle[] = [];

  /** Use `startDiscordEmulator`. */
  constructor(
    private readonly server: Server,
    state: EmulatorState,
    gateway: GatewayServer,
    defaultUser: UserInput,
  ) {
    this.state = state;
    this.gateway = gateway;
    this.defaultUser = defaultUser;
    this.port = (server.address() as AddressInfo).port;
    this.origin = `http://127.0.0.1:${this.port}`;
    this.apiUrl = `${this.origin}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${this.port}/gateway`;
  }

  /* ---------------------------------------------------------------- inspection */

  get applicationId(): string {
    return this.state.applicationId;
  }

  get botUser(): APIUser {
    return this.state.botUser;
  }

  /** Globally registered commands (ids, application_id and version filled in). */
  get globalCommands(): APIApplicationCommand[] {
    return this.state.globalCommands;
  }

  /** Commands registered for one guild. */
  guildCommands(guildId: string): APIApplicationCommand[] {
    return this.state.guildCommands.get(guildId) ?? [];
  }

  /** Every REST request received, in order. */
  get requests(): readonly RecordedRequest[] {
    return this.state.requests;
  }

  /** Requests to routes the emulator does not know (404) or that crashed it (500). */
  get unhandledRequests(): readonly RecordedRequest[] {
    return this.state.unhandledRequests;
  }

  /** Every interaction dispatched so far. */
  get interactions(): readonly InteractionHandle[] {
    return this.handles;
  }

  /** Gateway sessions (one per client connection), with everything sent and received. */
  get sessions(): readonly GatewaySession[] {
    return this.gateway.sessions;
  }

  get ackTimeoutMs(): number {
    return this.state.ackTimeoutMs;
  }

  set ackTimeoutMs(ms: number) {
    this.state.ackTimeoutMs = ms;
  }

  get interactionTokenTtlMs(): number {
    return this.state.interactionTokenTtlMs;
  }

  set interactionTokenTtlMs(ms: number) {
    this.state.interactionTokenTtlMs = ms;
  }

  /** A message by id (any channel, including ephemeral interaction responses). */
  message(id: string): APIMessage | undefined {
    return this.state.messages.get(id);
  }

  /**
   * The file behind a message's attachment, by its file name (what Discord's CDN would serve):
   * the bytes the bot uploaded, with the metadata Discord keeps. A message object is looked at as
   * it is (e.g. a recorded edit's version), an id as the message is now. Undefined when it has no
   * such attachment.
   */
  attachmentFile(message: APIMessage | string, filename: string): AttachmentFile | undefined {
    const version = typeof message === 'string' ? this.state.messages.get(message) : message;
    const attachment = version?.attachments.find((a) => a.filename === filename);
    const upload = attachment && this.state.uploads.get(attachment.id);
    if (!attachment || !upload) return undefined;
    return {
      id: attachment.id,
      filename: attachment.filename,
      description: attachment.description,
      contentType: attachment.content_type ?? upload.contentType,
      size: upload.data.length,
      data: upload.data,
      text: () => upload.data.toString('utf8'),
    };
  }

  /** Non-ephemeral messages in a channel, oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    return this.state.channelMessages(channelId);
  }

  /** Messages the bot sent to a user's DM channel, oldest first. */
  directMessages(userId: string): APIMessage[] {
    const channelId = this.state.dmChannelByUser.get(userId);
    return channelId === undefined ? [] : this.state.channelMessages(channelId);
  }

  /** Resolves once the next DM to `userId` arrives (beyond the ones already there). */
  nextDirectMessage(userId: string, options: WaitOptions = {}): Promise<APIMessage> {
    const seen = this.directMessages(userId).length;
    return this.state.signal.waitFor(() => this.directMessages(userId)[seen], options.timeoutMs ?? DEFAULT_WAIT_MS, `a DM to user ${userId}`);
  }

  /** Id of a guild's first text channel (default: first guild). */
  defaultChannelId(guildId?: string): string {
    const guild = this.guild(guildId);
    const id = guild.channelIds[0];
    if (id === undefined) throw new Error(`discord-emulator: guild ${guild.id} has no channels`);
    return id;
  }

  /** OAuth2: who signs in, consent, client id/secret, redirect URIs, issued grants. */
  get oauth2(): OAuth2State {
    return this.state.oauth2;
  }

  /* ---------------------------------------------------------------- world setup */

  /** Registers a user (so DMs, interactions and `GET /users/:id` use these details). */
  addUser(user: UserInput): APIUser {
    return this.state.upsertUser(user);
  }

  /** Makes a user a member of a guild, or changes an existing member's permissions, roles or nick. */
  addMember(guildId: string, member: MemberInput): EmulatedMember {
    return this.state.addMember(guildId, member);
  }

  /** The user leaves (or is kicked from) the guild: `GET /guilds/:id/members/:user` then answers 10007. */
  removeMember(guildId: string, userId: string): boolean {
    return this.state.removeMember(guildId, userId);
  }

  member(guildId: string, userId: string): EmulatedMember | undefined {
    return this.state.member(guildId, userId);
  }

  /** Ids of the guilds a user is a member of. */
  guildIdsOf(userId: string): string[] {
    return this.state.guildsOf(userId).map((g) => g.id);
  }

  /** From now on, messages to this user's DM channel fail with 403 50007. */
  closeDms(userId: string): void {
    this.state.closedDms.add(userId);
  }

  openDms(userId: string): void {
    this.state.closedDms.delete(userId);
  }

  /** Stores a message (e.g. one a button lives on) and returns it. Author defaults to the bot. */
  seedMessage(input: MessageBody & { channelId?: string; author?: UserInput }): APIMessage {
    const channelId = input.channelId ?? this.defaultChannelId();
    const author = input.author ? this.state.upsertUser(input.author) : this.state.botUser;
    return this.state.storeMessage(
      buildMessage(input, { id: snowflake(), channelId, author, guildId: this.state.guildOfChannel(channelId) }),
    );
  }

  /* ---------------------------------------------------------------- gateway */

  /** Resolves once a client has identified (immediately if one already has). */
  waitForIdentify(options: WaitOptions = {}): Promise<IdentifyInfo> {
    return this.state.signal.waitFor(
      () => this.gateway.readySessions()[0]?.identified,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      'a gateway IDENTIFY',
    );
  }

  /** Sends any dispatch event to identified clients; returns the number of sessions reached. */
  dispatch(event: string, data: unknown): number {
    return this.gateway.dispatch(event, data);
  }

  /** Closes all gateway connections with `code` (the client will reconnect). */
  disconnectClients(code = 4000): void {
    this.gateway.disconnectAll(code);
  }

  /* ---------------------------------------------------------------- interactions */

  /** Dispatches a raw INTERACTION_CREATE payload (must carry id, token, type). */
  sendInteraction(payload: Record<string, unknown>): InteractionHandle {
    const id = String(payload.id);
    const token = String(payload.token);
    const type = Number(payload.type);
    const message = payload.message as APIMessage | undefined;
    if (message && !this.state.messages.has(message.id)) this.state.storeMessage(message);
    const record = new InteractionRecord(id, token, type, payload, message?.id);
    this.state.interactionsById.set(id, record);
    this.state.interactionsByToken.set(token, record);
    const reached = this.gateway.dispatch('INTERACTION_CREATE', payload);
    if (reached === 0) throw new Error('discord-emulator: no identified gateway session to send the interaction to (await waitForIdentify() / the client ready event first)');
    const handle = new InteractionHandle(record, this.state.signal, (messageId) => this.state.messages.get(messageId));
    this.handles.push(handle);
    return handle;
  }

  /** A chat-input command (INTERACTION_CREATE type 2). */
  slashCommand(input: SlashCommandInput): InteractionHandle {
    return this.sendInteraction(this.commandPayload(input, InteractionType.ApplicationCommand));
  }

  /** An autocomplete request (type 4); mark the focused option with `focused` or `focused: true` in raw options. */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.sendInteraction(this.commandPayload(input, InteractionType.Autocomplete, input.focused));
  }

  /**
   * A button click (type 3, component_type 2). On a stored message the button must be there and
   * enabled, and an ephemeral message can only be clicked by the user it was sent to.
   */
  button(input: ButtonInput): InteractionHandle {
    return this.sendInteraction(this.componentPayload(input, { custom_id: input.customId, component_type: 2 }));
  }

  /** A select menu choice (type 3, component_type 3/5/6/7/8); checked against a stored message like `button`. */
  selectMenu(input: SelectInput): InteractionHandle {
    return this.sendInteraction(
      this.componentPayload(input, { custom_id: input.customId, component_type: input.componentType ?? 3, values: input.values }),
    );
  }

  /**
   * The user fills in and submits the modal the bot showed in answer to `handle` (waiting for it).
   * The MODAL_SUBMIT (type 5) comes from the same user, guild and channel, with its own id and
   * token, and carries the message when the modal was opened from a component. A modal closes
   * when submitted, so a second submit throws, as do values Discord's client would not accept.
   */
  async submitModal(handle: InteractionHandle, input: SubmitModalInput): Promise<InteractionHandle> {
    const modal = await handle.waitForModal({ timeoutMs: input.timeoutMs });
    const record = handle.record;
    if (record.modalSubmitted) throw new Error(`discord-emulator: the modal "${modal.customId}" of interaction ${handle.id} was already submitted`);
    const components = buildModalSubmitComponents(modal, input.values);
    record.modalSubmitted = true;
    const { message: _source, data: _data, ...context } = record.payload;
    const payload: Record<string, unknown> = {
      ...context,
      id: snowflake(),
      token: randomToken(),
      type: InteractionType.ModalSubmit,
      data: { custom_id: modal.customId, components },
    };
    // The member as they are when they submit (a permission taken away meanwhile is gone).
    const member = context.member as { user: { id: string } } | undefined;
    const guild = typeof context.guild_id === 'string' ? this.state.guilds.get(context.guild_id) : undefined;
    const now = guild && member ? this.state.member(guild.id, member.user.id) : undefined;
    if (guild && member && now) payload.member = { ...member, permissions: String(effectivePermissions(guild, now)), roles: now.roles };
    const source = record.sourceMessageId === undefined ? undefined : this.state.messages.get(record.sourceMessageId);
    if (source) payload.message = source;
    return this.sendInteraction(payload);
  }

  /** A modal submission (type 5). */
  modalSubmit(input: ModalSubmitInput): InteractionHandle {
    const inputs = Object.entries(input.fields).map(([customId, value], i) => ({ type: 4, id: i + 2, custom_id: customId, value }));
    const components =
      input.layout === 'label'
        ? inputs.map((component, i) => ({ type: 18, id: 100 + i, component }))
        : inputs.map((component, i) => ({ type: 1, id: 100 + i, components: [component] }));
    const base = this.envelope(input, input.message);
    const payload: Record<string, unknown> = { ...base.envelope, type: InteractionType.ModalSubmit, data: { custom_id: input.customId, components } };
    if (base.message) payload.message = base.message;
    return this.sendInteraction(payload);
  }

  /* ---------------------------------------------------------------- lifecycle */

  /** Closes the gateway (terminating sockets) and the HTTP server. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /* ---------------------------------------------------------------- payload assembly */

  private guild(guildId?: string): EmulatedGuild {
    const guild = guildId === undefined ? [...this.state.guilds.values()][0] : this.state.guilds.get(guildId);
    if (!guild) throw new Error(`discord-emulator: unknown guild ${guildId ?? '(none configured)'}`);
    return guild;
  }

  private envelope(input: InteractionInput, source?: SourceMessage): { envelope: Record<string, unknown>; message?: APIMessage } {
    const user = this.state.upsertUser(input.user ?? this.defaultUser);
    const sourceMessage = source === undefined ? undefined : this.resolveSourceMessage(source, input);
    let guild: EmulatedGuild | null;
    let channel: APIChannel;
    const channelId = input.channelId ?? sourceMessage?.channel_id;
    if (input.guildId === null || (channelId !== undefined && this.state.channels.get(channelId)?.type === 1)) {
      guild = null;
      channel = channelId === undefined ? this.state.dmChannelFor(user.id) : this.channel(channelId);
    } else {
      guild = this.guild(input.guildId ?? (channelId === undefined ? undefined : (this.state.guildOfChannel(channelId) ?? undefined)));
      channel = this.channel(channelId ?? this.defaultChannelId(guild.id));
    }
    // Only members can use a guild's commands: a user seen here for the first time joins it.
    const member = guild ? (this.state.member(guild.id, user.id) ?? this.state.addMember(guild.id, { user: { id: user.id } })) : undefined;
    const envelope = buildInteractionEnvelope({
      id: snowflake(),
      token: randomToken(),
      applicationId: this.state.applicationId,
      user,
      guild,
      channel,
      locale: input.locale ?? this.state.accounts.get(user.id)?.locale ?? 'en-US',
      memberPermissions: String(input.memberPermissions ?? (guild && member ? effectivePermissions(guild, member) : 0n)),
      appPermissions: String(input.appPermissions ?? DEFAULT_APP_PERMISSIONS),
      memberRoles: input.memberRoles ?? member?.roles ?? [],
      memberJoinedAt: member?.joinedAt,
      memberNick: member?.nick ?? null,
    });
    return { envelope, message: sourceMessage };
  }

  private channel(id: string): APIChannel {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`discord-emulator: unknown channel ${id}`);
    return channel;
  }

  private resolveSourceMessage(source: SourceMessage, input: InteractionInput): APIMessage {
    const id = typeof source === 'string' ? source : source.id;
    const stored = this.state.messages.get(id);
    if (typeof source === 'string') {
      if (!stored) throw new Error(`discord-emulator: unknown message ${id}`);
      return stored;
    }
    if (stored) return { ...stored, ...source } as APIMessage;
    const channelId = source.channel_id ?? input.channelId ?? (input.guildId === null ? undefined : this.defaultChannelId(input.guildId));
    const base = buildMessage(
      { content: source.content ?? '', components: source.components ?? [], embeds: source.embeds ?? [], flags: source.flags ?? 0 },
      {
        id,
        channelId: channelId ?? this.state.dmChannelFor((input.user ?? this.defaultUser).id).id,
        author: this.state.botUser,
        guildId: channelId === undefined ? null : this.state.guildOfChannel(channelId),
      },
    );
    return { ...base, ...source } as APIMessage;
  }

  private commandPayload(input: SlashCommandInput, type: number, focused?: string): Record<string, unknown> {
    const { envelope } = this.envelope(input);
    const options: APIApplicationCommandInteractionDataOption[] = normalizeOptions(input.options, {
      subcommand: input.subcommand,
      subcommandGroup: input.subcommandGroup,
      focused,
    });
    const guildId = envelope.guild_id as string | undefined;
    const guildCommand = guildId === undefined ? undefined : this.guildCommands(guildId).find((c) => c.name === input.name && c.type === 1);
    const command = guildCommand ?? this.state.globalCommands.find((c) => c.name === input.name && c.type === 1);
    const data: Record<string, unknown> = { id: input.commandId ?? command?.id ?? snowflake(), name: input.name, type: 1, options };
    if (guildCommand) data.guild_id = guildId;
    if (input.resolved) data.resolved = input.resolved;
    return { ...envelope, type, data };
  }

  private componentPayload(input: ButtonInput, data: Record<string, unknown>): Record<string, unknown> {
    if (typeof input.message === 'string') {
      // A stored message: the user can only use what is on it (made-up message objects are not checked).
      checkComponentUse(this.state, input.message, (input.user ?? this.defaultUser).id, {
        customId: String(data.custom_id),
        componentType: Number(data.component_type),
        values: data.values as string[] | undefined,
      });
    }
    const { envelope, message } = this.envelope(input, input.message ?? this.defaultSourceMessage(input));
    return { ...envelope, type: InteractionType.MessageComponent, data, message };
  }

  /** A bot message carrying the component, for component interactions without an explicit message. */
  private defaultSourceMessage(input: ButtonInput): SourceMessage {
    return {
      id: snowflake(),
      content: '',
      components: [{ type: 1, components: [{ type: 2, style: 1, label: input.customId, custom_id: input.customId }] }],
    } as Partial<APIMessage> & { id: string };
  }
}

/** Starts the emulator on 127.0.0.1 (random free port by default). */
export async function startDiscordEmulator(options: DiscordEmulatorOptions): Promise<DiscordEmulator> {
  const defaultUser = options.defaultUser ?? { id: snowflake(), username: 'tester' };
  const state = new EmulatorState({
    applicationId: options.applicationId,
    botUser: options.botUser,
    guilds: options.guilds,
    token: options.token,
    ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
    interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
    oauth2: options.oauth2 ?? {},
    defaultUserId: defaultUser.id,
  });
  state.upsertUser(defaultUser);

  let gatewayUrl = '';
  const gateway = new GatewayServer({
    token: options.token,
    signal: state.signal,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    gatewayUrl: () => gatewayUrl,
    buildReady: () => ({
      v: 10,
      user: { ...state.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: [...state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      application: { id: state.applicationId, flags: 0 },
    }),
    buildGuildCreates: () =>
      [...state.guilds.values()].map((guild) =>
        buildGuildCreate(guild, guild.channelIds.map((id) => state.channels.get(id)).filter((c): c is APIChannel => c !== undefined), state.botUser),
      ),
  });
  const rest = new RestApi({ state, gatewayUrl: () => gatewayUrl });

  const server = createServer((req, res) => {
    rest.handle(req, res).catch((error: unknown) => {
      // handle() answers every error itself; this is a last resort.
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  server.on('upgrade', (req, socket, head: Buffer) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const emulator = new DiscordEmulator(server, state, gateway, defaultUser);
  gatewayUrl = emulator.gatewayUrl;
  return emulator;
}
