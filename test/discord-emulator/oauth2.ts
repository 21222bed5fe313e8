/**
 * Discord's OAuth2 for "Sign in with Discord": the authorization code grant with PKCE and refresh
 * tokens, token revocation, and the current-user routes a Bearer token may call. The emulator plays
 * the signed-in Discord user at `/oauth2/authorize`: it consents (or declines) at once and redirects.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, Errors, OAuthError, type RouteRequest, type RouteResult, type Router } from './http-utils.js';
import { buildMember, DEFAULT_APP_PERMISSIONS, effectivePermissions, randomToken, type EmulatedGuild } from './payloads.js';
import type { EmulatorState } from './state.js';

/** The scopes Discord documents; anything else is refused at `/oauth2/authorize`. */
export const OAUTH2_SCOPES: readonly string[] = [
  'activities.read',
  'activities.write',
  'applications.builds.read',
  'applications.builds.upload',
  'applications.commands',
  'applications.commands.update',
  'applications.commands.permissions.update',
  'applications.entitlements',
  'applications.store.update',
  'bot',
  'connections',
  'dm_channels.read',
  'email',
  'gdm.join',
  'guilds',
  'guilds.join',
  'guilds.members.read',
  'identify',
  'messages.read',
  'relationships.read',
  'role_connections.write',
  'rpc',
  'rpc.activities.write',
  'rpc.notifications.read',
  'rpc.voice.read',
  'rpc.voice.write',
  'voice',
  'webhook.incoming',
];

/** Discord's access tokens last a week (`expires_in` 604800). */
const ACCESS_TOKEN_TTL_S = 604_800;
/** Authorization codes are short-lived and single-use. */
const CODE_TTL_MS = 10 * 60_000;

export interface OAuth2Options {
  /** The application's client secret (default 'emulator-client-secret'). The client id is the application id. */
  clientSecret?: string;
  /** Registered redirect URIs; when empty, any http(s) `redirect_uri` is accepted. */
  redirectUris?: string[];
}

/** One `GET /oauth2/authorize`, as a test can inspect it. */
export interface AuthorizeRecord {
  query: Record<string, string>;
  /** The emulated user who was signed in. */
  userId: string;
  /** approved → redirect with `code`; denied → redirect with `error=access_denied`; refused → 400, no redirect. */
  outcome: 'approved' | 'denied' | 'refused';
  /** Where the browser was sent (approved, denied). */
  location?: string;
  /** Why it was refused. */
  error?: string;
}

/** An authorization: what a user allowed, with its current tokens. */
export interface OAuth2Grant {
  userId: string;
  scopes: string[];
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  revoked: boolean;
}

interface PendingCode {
  userId: string;
  scopes: string[];
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
}

const invalidGrant = (field: string) => new OAuthError(400, 'invalid_grant', `Invalid "${field}" in request.`);

/** OAuth2 bookkeeping (kept on EmulatorState) and the test-facing controls (`discord.oauth2`). */
export class OAuth2State {
  readonly clientSecret: string;
  readonly redirectUris: string[];
  readonly authorizeRequests: AuthorizeRecord[] = [];
  readonly grants: OAuth2Grant[] = [];
  private signedInUserId: string;
  private consent: 'approve' | 'deny' = 'approve';
  private readonly codes = new Map<string, PendingCode>();

  constructor(
    private readonly state: EmulatorState,
    options: OAuth2Options,
    defaultUserId: string,
  ) {
    this.clientSecret = options.clientSecret ?? 'emulator-client-secret';
    this.redirectUris = [...(options.redirectUris ?? [])];
    this.signedInUserId = defaultUserId;
  }

  /** The client id: Discord's OAuth2 client id is the application id. */
  get clientId(): string {
    return this.state.applicationId;
  }

  /** The emulated user signed in to Discord in the browser (default: the emulator's `defaultUser`). */
  get signedInUser(): string {
    return this.signedInUserId;
  }

  /** From now on, `/oauth2/authorize` acts as this user. */
  signInAs(userId: string): void {
    const user = this.state.users.get(userId);
    if (!user) throw new Error(`discord-emulator: unknown user ${userId} (addUser or addMember first)`);
    if (user.bot) throw new Error(`discord-emulator: ${userId} is a bot and cannot sign in with OAuth2`);
    this.signedInUserId = userId;
  }

  /** Whether the signed-in user approves the next authorizations or clicks "Cancel". */
  setConsent(decision: 'approve' | 'deny'): void {
    this.consent = decision;
  }

  registerRedirectUri(uri: string): void {
    if (!this.redirectUris.includes(uri)) this.redirectUris.push(uri);
  }

  /** Makes every access token issued so far expired (401 on use), e.g. to test a refresh. */
  expireAccessTokens(): void {
    for (const grant of this.grants) grant.accessExpiresAt = Math.min(grant.accessExpiresAt, Date.now() - 1);
  }

  /** The live grant behind a Bearer token, if the token is current. */
  grantForAccessToken(token: string): OAuth2Grant | undefined {
    const grant = this.grants.find((g) => g.accessToken === token);
    return grant && !grant.revoked && grant.accessExpiresAt > Date.now() ? grant : undefined;
  }

  /* ------------------------------------------------------------ authorize */

  /** `GET /oauth2/authorize`: the user consents or declines at once; answered with a 302 or a 400. */
  authorize(query: URLSearchParams): RouteResult {
    const params = Object.fromEntries(query);
    const userId = this.signedInUserId;
    const refuse = (error: string): RouteResult => {
      // Discord shows an error page instead of redirecting when the request itself is bad.
      this.authorizeRequests.push({ query: params, userId, outcome: 'refused', error });
      this.state.signal.notify();
      return { status: 400, body: { message: error, code: 0 } };
    };
    if (params.client_id !== this.clientId) return refuse(`Unknown application: client_id "${params.client_id ?? ''}"`);
    if (params.response_type !== 'code') return refuse(`Unsupported response_type "${params.response_type ?? ''}" (the emulator does the code grant)`);
    const redirectUri = params.redirect_uri ?? this.redirectUris[0];
    if (redirectUri === undefined) return refuse('Invalid OAuth2 redirect_uri: none given and none registered');
    if (!this.redirectAllowed(redirectUri)) return refuse(`Invalid OAuth2 redirect_uri "${redirectUri}"`);
    const scopes = (params.scope ?? '').split(' ').filter((s) => s.length > 0);
    if (scopes.length === 0) return refuse('No scopes were provided');
    const unknown = scopes.filter((s) => !OAUTH2_SCOPES.includes(s));
    if (unknown.length > 0) return refuse(`Invalid scope: ${unknown.join(' ')}`);
    const method = params.code_challenge_method ?? (params.code_challenge === undefined ? undefined : 'plain');
    if (method !== undefined && method !== 'S256' && method !== 'plain') return refuse(`Unsupported code_challenge_method "${method}"`);
    if (method !== undefined && !params.code_challenge) return refuse('code_challenge is required with code_challenge_method');

    const location = new URL(redirectUri);
    if (this.consent === 'deny') {
      location.searchParams.set('error', 'access_denied');
      location.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
    } else {
      const code = randomToken(24);
      this.codes.set(code, {
        userId,
        scopes,
        redirectUri: params.redirect_uri,
        codeChallenge: params.code_challenge,
        codeChallengeMethod: method as PendingCode['codeChallengeMethod'],
        expiresAt: Date.now() + CODE_TTL_MS,
        used: false,
      });
      location.searchParams.set('code', code);
    }
    if (params.state !== undefined) location.searchParams.set('state', params.state);
    this.authorizeRequests.push({ query: params, userId, outcome: this.consent === 'deny' ? 'denied' : 'approved', location: location.href });
    this.state.signal.notify();
    return { status: 302, headers: { Location: location.href } };
  }

  private redirectAllowed(uri: string): boolean {
    if (this.redirectUris.length > 0) return this.redirectUris.includes(uri);
    try {
      return ['http:', 'https:'].includes(new URL(uri).protocol);
    } catch {
      return false;
    }
  }

  /* ------------------------------------------------------------ token */

  /** `POST /oauth2/token`: authorization_code (with PKCE) and refresh_token grants. */
  token(req: RouteRequest): RouteResult {
    const form = this.form(req);
    this.authenticateClient(req, form);
    switch (form.grant_type) {
      case 'authorization_code':
        return { body: this.issue(this.redeemCode(form)) };
      case 'refresh_token': {
        const grant = this.grants.find((g) => g.refreshToken === form.refresh_token && !g.revoked);
        if (!form.refresh_token || !grant) throw invalidGrant('refresh_token');
        const wanted = (form.scope ?? '').split(' ').filter((s) => s.length > 0);
        if (wanted.some((s) => !grant.scopes.includes(s))) throw new OAuthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
        // The old refresh token is spent; the old access token runs out on its own.
        grant.refreshToken = `spent:${grant.refreshToken}`;
        return { body: this.issue({ userId: grant.userId, scopes: wanted.length > 0 ? wanted : grant.scopes }) };
      }
      default:
        throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type "${form.grant_type ?? ''}"`);
    }
  }

  /** `POST /oauth2/token/revoke`: revokes the whole authorization behind an access or refresh token. */
  revoke(req: RouteRequest): RouteResult {
    const form = this.form(req);
    this.authenticateClient(req, form);
    if (!form.token) throw new OAuthError(400, 'invalid_request', 'Missing "token" in request.');
    const grant = this.grants.find((g) => g.accessToken === form.token || g.refreshToken === form.token);
    // RFC 7009: an unknown token is not an error.
    if (grant) grant.revoked = true;
    this.state.signal.notify();
    return { status: 200, body: {} };
  }

  private form(req: RouteRequest): Record<string, string | undefined> {
    // Discord reads these endpoints as forms only; a JSON body carries nothing it understands.
    if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    return req.body as Record<string, string | undefined>;
  }

  /** Client credentials from HTTP Basic or from the form, as Discord accepts both. */
  private authenticateClient(req: RouteRequest, form: Record<string, string | undefined>): void {
    let id = form.client_id;
    let secret = form.client_secret;
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new OAuthError(401, 'invalid_client');
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined.
      const unescape = (part: string) => {
        try {
          return decodeURIComponent(part.replace(/\+/g, ' '));
        } catch {
          throw new OAuthError(401, 'invalid_client');
        }
      };
      id = unescape(decoded.slice(0, colon));
      secret = unescape(decoded.slice(colon + 1));
    }
    if (id !== this.clientId || secret === undefined || !sameSecret(secret, this.clientSecret)) throw new OAuthError(401, 'invalid_client');
  }

  private redeemCode(form: Record<string, string | undefined>): { userId: string; scopes: string[] } {
    const pending = form.code === undefined ? undefined : this.codes.get(form.code);
    if (!pending || pending.used || pending.expiresAt < Date.now()) throw invalidGrant('code');
    if (pending.redirectUri !== undefined && form.redirect_uri !== pending.redirectUri) throw invalidGrant('redirect_uri');
    if (pending.codeChallenge !== undefined) {
      const verifier = form.code_verifier;
      if (!verifier || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw invalidGrant('code_verifier');
      const computed = pending.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== pending.codeChallenge) throw invalidGrant('code_verifier');
    }
    pending.used = true;
    return pending;
  }

  private issue(from: { userId: string; scopes: string[] }): Record<string, unknown> {
    const grant: OAuth2Grant = {
      userId: from.userId,
      scopes: [...from.scopes],
      accessToken: randomToken(24),
      refreshToken: randomToken(24),
      accessExpiresAt: Date.now() + ACCESS_TOKEN_TTL_S * 1000,
      revoked: false,
    };
    this.grants.push(grant);
    this.state.signal.notify();
    return {
      access_token: grant.accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: grant.refreshToken,
      scope: grant.scopes.join(' '),
    };
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Bearer caller's grant, with `scope` required (Discord answers a missing scope with 401). */
function bearerWithScope(req: RouteRequest, scope: string): { userId: string } {
  const caller = req.caller;
  if (caller.kind !== 'bearer' || !caller.scopes.includes(scope)) throw Errors.unauthorized();
  return caller;
}

function partialGuild(guild: EmulatedGuild, owner: boolean, permissions: bigint, withCounts: boolean): Record<string, unknown> {
  const partial: Record<string, unknown> = {
    id: guild.id,
    name: guild.name,
    icon: null,
    banner: null,
    owner,
    permissions: permissions.toString(),
    features: [],
  };
  if (withCounts) {
    partial.approximate_member_count = guild.members.size + 1;
    partial.approximate_presence_count = 0;
  }
  return partial;
}

/** `/oauth2/authorize`, the token endpoints, and the current-user routes (bot token or Bearer). */
export function registerOAuth2Routes(router: Router, state: EmulatorState): void {
  router.add('GET', '/oauth2/authorize', 'none', (req) => state.oauth2.authorize(req.query));
  router.add('POST', '/oauth2/token', 'none', (req) => state.oauth2.token(req));
  router.add('POST', '/oauth2/token/revoke', 'none', (req) => state.oauth2.revoke(req));

  router.add('GET', '/oauth2/@me', 'bearer', (req) => {
    const caller = req.caller as Extract<typeof req.caller, { kind: 'bearer' }>;
    const body: Record<string, unknown> = {
      application: { id: state.applicationId, name: state.botUser.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, flags: 0 },
      scopes: caller.scopes,
      expires: new Date(caller.expiresAt).toISOString(),
    };
    if (caller.scopes.includes('identify')) body.user = state.users.get(caller.userId);
    return { body };
  });

  router.add('GET', '/users/@me', 'bot-or-bearer', (req) => {
    if (req.caller.kind === 'bot') return { body: state.botUser };
    const { userId } = bearerWithScope(req, 'identify');
    const user = state.userOrSynthetic(userId);
    const account = state.accounts.get(userId) ?? {};
    const body: Record<string, unknown> = { ...user, flags: 0, public_flags: 0, premium_type: 0, mfa_enabled: false, locale: account.locale ?? 'en-US' };
    if (req.caller.kind === 'bearer' && req.caller.scopes.includes('email')) {
      body.email = account.email ?? null;
      body.verified = account.email !== undefined;
    }
    return { body };
  });

  router.add('GET', '/users/@me/guilds', 'bot-or-bearer', (req) => {
    const withCounts = req.query.get('with_counts') === 'true';
    let list: Record<string, unknown>[];
    if (req.caller.kind === 'bot') {
      list = [...state.guilds.values()].map((g) => partialGuild(g, false, BigInt(DEFAULT_APP_PERMISSIONS), withCounts));
    } else {
      const { userId } = bearerWithScope(req, 'guilds');
      list = state.guildsOf(userId).map((g) => partialGuild(g, g.ownerId === userId, effectivePermissions(g, g.members.get(userId)!), withCounts));
    }
    list.sort((a, b) => (BigInt(a.id as string) < BigInt(b.id as string) ? -1 : 1));
    const before = req.query.get('before');
    const after = req.query.get('after');
    if (before) list = list.filter((g) => BigInt(g.id as string) < BigInt(before));
    if (after) list = list.filter((g) => BigInt(g.id as string) > BigInt(after));
    const limit = Number(req.query.get('limit') ?? 200);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new ApiError(400, 50035, 'Invalid Form Body', { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be between 1 and 200.' }] } });
    }
    return { body: before && !after ? list.slice(-limit) : list.slice(0, limit) };
  });

  router.add('GET', '/users/@me/guilds/:guildId/member', 'bearer', (req) => {
    const { userId } = bearerWithScope(req, 'guilds.members.read');
    const guild = state.guilds.get(req.params.guildId ?? '');
    const member = guild?.members.get(userId);
    // Not being in the guild looks the same as the guild not existing.
    if (!guild || !member) throw Errors.unknownGuild();
    return { body: buildMember(state.userOrSynthetic(userId), { roles: member.roles, joinedAt: member.joinedAt, nick: member.nick }) };
  });
}
