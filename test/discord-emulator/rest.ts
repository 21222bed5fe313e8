/**
 * The REST side of the emulator (everything under `/api/v10`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIApplicationCommand, APIMessage } from 'discord-api-types/v10';
import {
  ApiError,
  Errors,
  formError,
  parseBody,
  readBody,
  Router,
  sendJson,
  type AuthMode,
  type Caller,
  type RouteRequest,
  type RouteResult,
} from './http-utils.js';
import type { InteractionRecord } from './interactions.js';
import { parseModal, type RecordedModal } from './modals.js';
import { registerOAuth2Routes } from './oauth2.js';
import {
  applyMessageEdit,
  buildCommand,
  buildGuildCreate,
  buildInteractionMetadata,
  buildMember,
  buildMessage,
  CallbackType,
  InteractionType,
  isMessageEmpty,
  MessageFlag,
  snowflake,
  type CommandInput,
  type MessageBody,
} from './payloads.js';
import type { EmulatorState } from './state.js';
import { validateAutocompleteChoices, validateCommands, validateMessageBody, validateUploads } from './validation.js';

/**
 * The route path below the API prefix: `/api/v10/...` as discord.js calls it, `/api/...` (no version)
 * as OAuth2 clients do, and `/oauth2/authorize`, which Discord serves outside `/api`.
 */
function apiPath(pathname: string): string | undefined {
  if (pathname === '/oauth2/authorize') return pathname;
  const match = /^\/api(?:\/v\d+)?(\/.*)$/.exec(pathname);
  return match?.[1];
}

function redactSecrets(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('client_secret' in body)) return body;
  return { ...body, client_secret: '(redacted)' };
}

export interface RestOptions {
  state: EmulatorState;
  /** The `ws://` URL handed out by `GET /gateway/bot`. */
  gatewayUrl: () => string;
}

/** Flags a message may be created with. */
const CREATABLE_FLAGS = MessageFlag.Ephemeral | MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2;

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const param = (req: RouteRequest, name: string): string => req.params[name] ?? '';

export class RestApi {
  private readonly router = new Router();
  private readonly state: EmulatorState;

  constructor(private readonly options: RestOptions) {
    this.state = options.state;
    this.registerRoutes();
  }

  /** Node `request` listener for the HTTP server. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const record = { method, url: req.url ?? '/', path: url.pathname, status: 0, body: undefined as unknown, at: Date.now() };
    let unhandled = false;
    let result: { status: number; body: unknown };
    let headers: Record<string, string> | undefined;
    try {
      const raw = await readBody(req);
      const path = apiPath(url.pathname);
      if (path === undefined) {
        unhandled = true;
        throw Errors.notFound();
      }
      record.path = decodePath(path);
      const body = parseBody(raw, req.headers['content-type']);
      // Client secrets travel in token request forms: keep them out of the recorded requests.
      record.body = redactSecrets(body.json);
      const match = this.router.match(method, path);
      if (!match) {
        unhandled = true;
        throw Errors.notFound();
      }
      const out: RouteResult = await match.route.handler({
        method,
        path: record.path,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        body: body.json,
        files: body.files,
        caller: this.authenticate(match.route.auth, req.headers.authorization),
      });
      headers = out.headers;
      result = { status: out.status ?? (out.body === undefined ? 204 : 200), body: out.body };
    } catch (error) {
      if (error instanceof ApiError) result = { status: error.status, body: error.toJSON() };
      else {
        unhandled = true;
        result = { status: 500, body: { message: `emulator error: ${(error as Error)?.stack ?? String(error)}`, code: 0 } };
      }
    }
    const recorded = { ...record, status: result.status, ...(result.status >= 400 ? { error: result.body } : {}) };
    this.state.requests.push(recorded);
    if (unhandled) this.state.unhandledRequests.push(recorded);
    this.state.signal.notify();
    sendJson(res, result.status, result.body, headers);
  }

  /** Checks the Authorization header against what the route accepts (401 like Discord otherwise). */
  private authenticate(mode: AuthMode, authorization: string | undefined): Caller {
    if (mode === 'none') return { kind: 'anonymous' };
    if ((mode === 'bot' || mode === 'bot-or-bearer') && authorization === `Bot ${this.state.token}`) return { kind: 'bot' };
    if ((mode === 'bearer' || mode === 'bot-or-bearer') && authorization?.startsWith('Bearer ')) {
      const grant = this.state.oauth2.grantForAccessToken(authorization.slice('Bearer '.length));
      if (grant) return { kind: 'bearer', userId: grant.userId, scopes: grant.scopes, expiresAt: grant.accessExpiresAt };
    }
    throw Errors.unauthorized();
  }

  /* ---------------------------------------------------------------- routes */

  private registerRoutes(): void {
    const r = this.router;
    const s = this.state;

    // Gateway & identity
    r.add('GET', '/gateway', 'none', () => ({ body: { url: this.options.gatewayUrl() } }));
    r.add('GET', '/gateway/bot', 'bot', () => ({
      body: {
        url: this.options.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      },
    }));
    registerOAuth2Routes(r, s);
    r.add('GET', '/users/:userId', 'bot', (req) => {
      const user = s.users.get(param(req, 'userId'));
      if (!user) throw Errors.unknownUser();
      return { body: user };
    });
    const application = () => ({
      body: {
        id: s.applicationId,
        name: s.botUser.username,
        icon: null,
        description: '',
        summary: '',
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: '0'.repeat(64),
        flags: 0,
        bot: s.botUser,
        owner: s.userOrSynthetic([...s.guilds.values()][0]?.ownerId ?? snowflake()),
        team: null,
        tags: [],
        integration_types_config: { '0': {} },
      },
    });
    r.add('GET', '/applications/@me', 'bot', application);
    r.add('GET', '/oauth2/applications/@me', 'bot', application);

    // Guilds & channels
    r.add('GET', '/guilds/:guildId', 'bot', (req) => {
      const guild = s.guilds.get(param(req, 'guildId'));
      if (!guild) throw Errors.unknownGuild();
      const { channels: _c, members: _m, ...rest } = buildGuildCreate(guild, [], s.botUser);
      return { body: rest };
    });
    r.add('GET', '/guilds/:guildId/channels', 'bot', (req) => {
      const guild = s.guilds.get(param(req, 'guildId'));
      if (!guild) throw Errors.unknownGuild();
      return { body: guild.channelIds.map((id) => s.channels.get(id)) };
    });
    r.add('GET', '/guilds/:guildId/members/:userId', 'bot', (req) => {
      const guild = s.guilds.get(param(req, 'guildId'));
      if (!guild) throw Errors.unknownGuild();
      const userId = param(req, 'userId');
      if (userId === s.botUser.id) return { body: buildMember(s.botUser, { joinedAt: guild.joinedAt }) };
      const member = guild.members.get(userId);
      if (!member) throw Errors.unknownMember();
      return { body: buildMember(s.userOrSynthetic(userId), { roles: member.roles, joinedAt: member.joinedAt, nick: member.nick }) };
    });
    r.add('GET', '/channels/:channelId', 'bot', (req) => {
      const channel = s.channels.get(param(req, 'channelId'));
      if (!channel) throw Errors.unknownChannel();
      return { body: channel };
    });

    // Direct messages & channel messages
    r.add('POST', '/users/@me/channels', 'bot', (req) => {
      const recipientId = asObject(req.body).recipient_id;
      if (typeof recipientId !== 'string' || recipientId.length === 0) {
        throw Errors.invalidFormBody(formError('recipient_id', 'BASE_TYPE_REQUIRED', 'This field is required'));
      }
      return { body: s.dmChannelFor(recipientId) };
    });
    r.add('POST', '/channels/:channelId/messages', 'bot', (req) => this.createChannelMessage(req));
    r.add('GET', '/channels/:channelId/messages', 'bot', (req) => {
      const channelId = param(req, 'channelId');
      if (!s.channels.has(channelId)) throw Errors.unknownChannel();
      const limit = Number(req.query.get('limit') ?? 50);
      return { body: s.channelMessages(channelId).reverse().slice(0, limit) };
    });
    r.add('GET', '/channels/:channelId/messages/:messageId', 'bot', (req) => ({ body: this.channelMessage(req) }));
    r.add('PATCH', '/channels/:channelId/messages/:messageId', 'bot', (req) => {
      const message = this.channelMessage(req);
      if (message.author.id !== s.botUser.id) throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      return { body: this.editMessage(message, req) };
    });
    r.add('DELETE', '/channels/:channelId/messages/:messageId', 'bot', (req) => {
      s.deleteMessage(this.channelMessage(req).id);
      return {};
    });

    // Interactions
    r.add('POST', '/interactions/:interactionId/:token/callback', 'none', (req) => this.interactionCallback(req));
    r.add('GET', '/webhooks/:appId/:token/messages/:messageId', 'none', (req) => {
      const record = this.interactionWebhook(req);
      return { body: this.webhookMessage(record, req) };
    });
    r.add('PATCH', '/webhooks/:appId/:token/messages/:messageId', 'none', (req) => {
      const record = this.interactionWebhook(req);
      const message = this.webhookMessage(record, req);
      const edited = this.editMessage(message, req);
      record.edits.push({
        messageId: edited.id,
        isOriginal: edited.id === record.originalMessageId,
        body: asObject(req.body),
        message: edited,
        elapsedMs: record.elapsed(),
        attachments: uploadsOf(req),
      });
      s.signal.notify();
      return { body: edited };
    });
    r.add('DELETE', '/webhooks/:appId/:token/messages/:messageId', 'none', (req) => {
      const record = this.interactionWebhook(req);
      s.deleteMessage(this.webhookMessage(record, req).id);
      return {};
    });
    r.add('POST', '/webhooks/:appId/:token', 'none', (req) => this.followUp(req));

    // Application commands
    const commandList = (req: RouteRequest): { list: APIApplicationCommand[]; guildId?: string } => {
      if (param(req, 'appId') !== s.applicationId) throw Errors.notAuthorizedForApplication();
      const guildId = req.params.guildId;
      if (guildId === undefined) return { list: s.globalCommands };
      if (!s.guilds.has(guildId)) throw Errors.missingAccess();
      return { list: s.guildCommands.get(guildId) ?? [], guildId };
    };
    const store = (guildId: string | undefined, list: APIApplicationCommand[]) => {
      if (guildId === undefined) s.globalCommands = list;
      else s.guildCommands.set(guildId, list);
      s.signal.notify();
    };
    const findCommand = (req: RouteRequest) => {
      const { list, guildId } = commandList(req);
      const command = list.find((c) => c.id === param(req, 'commandId'));
      if (!command) throw Errors.unknownCommand();
      return { list, guildId, command };
    };
    for (const base of ['/applications/:appId/commands', '/applications/:appId/guilds/:guildId/commands']) {
      r.add('GET', base, 'bot', (req) => ({ body: commandList(req).list }));
      r.add('PUT', base, 'bot', (req) => {
        const { list, guildId } = commandList(req);
        validateCommands(req.body);
        const next = req.body.map((input) => this.upsertCommand(list, input, guildId));
        store(guildId, next);
        return { body: next };
      });
      r.add('POST', base, 'bot', (req) => {
        const { list, guildId } = commandList(req);
        validateCommands([req.body]);
        const input = req.body as CommandInput;
        const command = this.upsertCommand(list, input, guildId);
        const existed = list.some((c) => c.id === command.id);
        store(guildId, [...list.filter((c) => c.id !== command.id), command]);
        return { status: existed ? 200 : 201, body: command };
      });
      r.add('GET', `${base}/:commandId`, 'bot', (req) => ({ body: findCommand(req).command }));
      r.add('PATCH', `${base}/:commandId`, 'bot', (req) => {
        const { list, guildId, command } = findCommand(req);
        const merged = { ...command, ...asObject(req.body) } as CommandInput;
        validateCommands([merged]);
        const updated = buildCommand(merged, { id: command.id, applicationId: s.applicationId, guildId, version: snowflake() });
        store(guildId, list.map((c) => (c.id === command.id ? updated : c)));
        return { body: updated };
      });
      r.add('DELETE', `${base}/:commandId`, 'bot', (req) => {
        const { list, guildId, command } = findCommand(req);
        store(guildId, list.filter((c) => c.id !== command.id));
        return {};
      });
    }
  }

  private upsertCommand(list: APIApplicationCommand[], input: CommandInput, guildId: string | undefined): APIApplicationCommand {
    const type = input.type ?? 1;
    const existing = list.find((c) => c.name === input.name && c.type === type);
    return buildCommand(input, { id: existing?.id ?? snowflake(), applicationId: this.state.applicationId, guildId, version: snowflake() });
  }

  /* ---------------------------------------------------------------- messages */

  private createChannelMessage(req: RouteRequest): RouteResult {
    const s = this.state;
    const channelId = param(req, 'channelId');
    const channel = s.channels.get(channelId);
    if (!channel) throw Errors.unknownChannel();
    if (channel.type === 1) {
      const recipient = channel.recipients?.[0];
      if (recipient && s.closedDms.has(recipient.id)) throw Errors.cannotDmUser();
    }
    const body = asObject(req.body) as MessageBody;
    validateMessageBody(body);
    validateUploads(body, req.files);
    const message = buildMessage(
      { ...body, flags: (body.flags ?? 0) & (MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2) },
      { id: snowflake(), channelId, author: s.botUser, guildId: s.guildOfChannel(channelId), files: req.files },
    );
    if (isMessageEmpty(message)) throw Errors.emptyMessage();
    return { body: s.storeMessage(message, req.files) };
  }

  private channelMessage(req: RouteRequest): APIMessage {
    const channelId = param(req, 'channelId');
    if (!this.state.channels.has(channelId)) throw Errors.unknownChannel();
    const message = this.state.messages.get(param(req, 'messageId'));
    if (!message || message.channel_id !== channelId) throw Errors.unknownMessage();
    return message;
  }

  private editMessage(message: APIMessage, req: RouteRequest): APIMessage {
    const body = asObject(req.body) as MessageBody;
    validateMessageBody(body);
    validateUploads(body, req.files, message.attachments);
    const edited = applyMessageEdit(message, body, req.files);
    if (isMessageEmpty(edited)) throw Errors.emptyMessage();
    return this.state.replaceMessage(edited, req.files);
  }

  /* ---------------------------------------------------------------- interactions */

  private refuse(record: InteractionRecord | undefined, req: RouteRequest, error: ApiError): never {
    record?.refusals.push({
      method: req.method,
      path: req.path,
      status: error.status,
      code: error.code,
      message: error.message,
      elapsedMs: record.elapsed(),
    });
    throw error;
  }

  private interactionCallback(req: RouteRequest): RouteResult {
    const s = this.state;
    const record = s.interactionsById.get(param(req, 'interactionId'));
    if (!record || record.token !== param(req, 'token')) throw Errors.unknownInteraction();
    if (record.callback) this.refuse(record, req, Errors.alreadyAcknowledged());
    if (record.expired || record.elapsed() > s.ackTimeoutMs) {
      record.expired = true;
      this.refuse(record, req, Errors.unknownInteraction());
    }

    const body = asObject(req.body);
    const type = body.type;
    const data = body.data === undefined ? undefined : asObject(body.data);
    const allowed = allowedCallbackTypes(record.type);
    if (typeof type !== 'number' || !allowed.includes(type)) {
      this.refuse(record, req, Errors.invalidFormBody(formError('type', 'INTERACTION_RESPONSE_TYPE_INVALID', `Callback type ${String(type)} is not valid for interaction type ${record.type}`)));
    }
    let modal: RecordedModal | undefined;
    try {
      if (type === CallbackType.ChannelMessageWithSource || type === CallbackType.UpdateMessage) {
        validateMessageBody((data ?? {}) as MessageBody, 'data');
        const updated = type === CallbackType.UpdateMessage && record.sourceMessageId !== undefined ? s.messages.get(record.sourceMessageId) : undefined;
        validateUploads((data ?? {}) as MessageBody, req.files, updated?.attachments, 'data');
      } else if (req.files.length > 0) {
        // Only responses that carry a message carry files.
        throw Errors.invalidFormBody(formError('files', 'INTERACTION_RESPONSE_FILES_INVALID', `Callback type ${String(type)} cannot carry files`));
      }
      if (type === CallbackType.ApplicationCommandAutocompleteResult) validateAutocompleteChoices(data);
      if (type === CallbackType.Modal) modal = parseModal(data);
    } catch (error) {
      if (error instanceof ApiError) this.refuse(record, req, error);
      throw error;
    }

    const flags = typeof data?.flags === 'number' ? data.flags : 0;
    let message: APIMessage | undefined;
    switch (type) {
      case CallbackType.ChannelMessageWithSource:
      case CallbackType.DeferredChannelMessageWithSource: {
        const deferred = type === CallbackType.DeferredChannelMessageWithSource;
        const built = this.interactionMessage(record, deferred ? {} : ((data ?? {}) as MessageBody), req, deferred ? (flags & MessageFlag.Ephemeral) | MessageFlag.Loading : flags & CREATABLE_FLAGS);
        if (!deferred && isMessageEmpty(built)) this.refuse(record, req, Errors.emptyMessage());
        message = s.storeMessage(built, req.files);
        record.originalMessageId = message.id;
        break;
      }
      case CallbackType.DeferredMessageUpdate:
      case CallbackType.UpdateMessage: {
        const source = record.sourceMessageId === undefined ? undefined : s.messages.get(record.sourceMessageId);
        if (!source) this.refuse(record, req, Errors.unknownMessage());
        record.originalMessageId = source.id;
        if (type === CallbackType.UpdateMessage) {
          const updated = applyMessageEdit(source, (data ?? {}) as MessageBody, req.files);
          if (isMessageEmpty(updated)) this.refuse(record, req, Errors.emptyMessage());
          message = s.replaceMessage(updated, req.files);
        }
        break;
      }
      default:
        break;
    }

    record.modal = modal;
    record.callback = {
      type: type as number,
      data,
      flags,
      ephemeral: (flags & MessageFlag.Ephemeral) !== 0,
      withResponse: req.query.get('with_response') === 'true',
      elapsedMs: record.elapsed(),
      attachments: uploadsOf(req),
    };
    s.signal.notify();

    if (req.query.get('with_response') !== 'true') return {};
    const original = record.originalMessageId === undefined ? undefined : s.messages.get(record.originalMessageId);
    const interaction: Record<string, unknown> = { id: record.id, type: record.type };
    if (original && (type === CallbackType.ChannelMessageWithSource || type === CallbackType.DeferredChannelMessageWithSource)) {
      interaction.response_message_id = original.id;
      interaction.response_message_loading = type === CallbackType.DeferredChannelMessageWithSource;
      interaction.response_message_ephemeral = ((original.flags ?? 0) & MessageFlag.Ephemeral) !== 0;
    }
    const resource: Record<string, unknown> = { type };
    if (message) resource.message = message;
    return { status: 200, body: { interaction, resource } };
  }

  private interactionMessage(record: InteractionRecord, body: MessageBody, req: RouteRequest, flags: number): APIMessage {
    const s = this.state;
    const payload = record.payload;
    const user = asObject(asObject(payload.member).user ?? payload.user);
    return buildMessage(
      { ...body, flags },
      {
        id: snowflake(),
        channelId: String(payload.channel_id),
        author: s.botUser,
        guildId: typeof payload.guild_id === 'string' ? payload.guild_id : null,
        webhookId: s.applicationId,
        applicationId: s.applicationId,
        interactionMetadata: buildInteractionMetadata({
          id: record.id,
          type: record.type,
          user: s.userOrSynthetic(String(user.id)),
          owners: payload.authorizing_integration_owners,
          interactedMessageId: record.sourceMessageId,
        }),
        files: req.files,
      },
    );
  }

  /** Resolves the interaction behind `/webhooks/:appId/:token...`. */
  private interactionWebhook(req: RouteRequest): InteractionRecord {
    const s = this.state;
    const record = s.interactionsByToken.get(param(req, 'token'));
    if (param(req, 'appId') !== s.applicationId || !record) throw Errors.unknownWebhook();
    if (record.elapsed() > s.interactionTokenTtlMs) this.refuse(record, req, Errors.invalidWebhookToken());
    // Before an accepted ack the interaction webhook does not exist.
    if (!record.callback || record.expired) this.refuse(record, req, Errors.unknownWebhook());
    return record;
  }

  private webhookMessage(record: InteractionRecord, req: RouteRequest): APIMessage {
    const requested = param(req, 'messageId');
    const id = requested === '@original' ? record.originalMessageId : requested;
    const owned = id !== undefined && (id === record.originalMessageId || record.followUps.some((m) => m.id === id));
    const message = owned ? this.state.messages.get(id) : undefined;
    if (!message) this.refuse(record, req, Errors.unknownMessage());
    return message;
  }

  private followUp(req: RouteRequest): RouteResult {
    const s = this.state;
    const record = this.interactionWebhook(req);
    const body = asObject(req.body) as MessageBody;
    try {
      validateMessageBody(body);
      validateUploads(body, req.files);
    } catch (error) {
      if (error instanceof ApiError) this.refuse(record, req, error);
      throw error;
    }
    const original = record.originalMessageId === undefined ? undefined : s.messages.get(record.originalMessageId);
    let message: APIMessage;
    if (original && record.callback?.type === CallbackType.DeferredChannelMessageWithSource && ((original.flags ?? 0) & MessageFlag.Loading) !== 0) {
      // Discord quirk: the first follow-up after a deferral replaces the "thinking..." message,
      // keeping the deferral's ephemeral state.
      const edited = applyMessageEdit(original, { content: '', embeds: [], components: [], ...body, flags: undefined }, req.files);
      if (isMessageEmpty(edited)) this.refuse(record, req, Errors.emptyMessage());
      message = s.replaceMessage(edited, req.files);
      record.edits.push({ messageId: message.id, isOriginal: true, body: asObject(req.body), message, elapsedMs: record.elapsed(), attachments: uploadsOf(req) });
    } else {
      message = this.interactionMessage(record, body, req, (body.flags ?? 0) & CREATABLE_FLAGS);
      if (isMessageEmpty(message)) this.refuse(record, req, Errors.emptyMessage());
      s.storeMessage(message, req.files);
    }
    record.followUps.push(message);
    s.signal.notify();
    return req.query.get('wait') === 'true' ? { body: message } : {};
  }
}

/** The files a request uploaded, as the interaction records list them. */
function uploadsOf(req: RouteRequest): { filename: string; size: number }[] {
  return req.files.map((f) => ({ filename: f.filename, size: f.data.length }));
}

function allowedCallbackTypes(interactionType: number): number[] {
  switch (interactionType) {
    case InteractionType.ApplicationCommand:
      return [CallbackType.ChannelMessageWithSource, CallbackType.DeferredChannelMessageWithSource, CallbackType.Modal];
    case InteractionType.MessageComponent:
      return [
        CallbackType.ChannelMessageWithSource,
        CallbackType.DeferredChannelMessageWithSource,
        CallbackType.DeferredMessageUpdate,
        CallbackType.UpdateMessage,
        CallbackType.Modal,
      ];
    case InteractionType.Autocomplete:
      return [CallbackType.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return [
        CallbackType.ChannelMessageWithSource,
        CallbackType.DeferredChannelMessageWithSource,
        CallbackType.DeferredMessageUpdate,
        CallbackType.UpdateMessage,
      ];
    default:
      return [];
  }
}

function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}
