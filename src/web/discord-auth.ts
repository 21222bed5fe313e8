// "Sign in with Discord" for the dashboard: the OAuth2 authorization code flow with PKCE (S256)
// and a `state`, through arctic's generic OAuth2Client (its Discord class hard-codes discord.com;
// this one takes its endpoints from DISCORD_API_URL, which is how the tests use the emulator).
// With the token it reads who the user is and which servers they are in, with their permissions.
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from 'arctic';
import { isServerAllowed } from '../app/commands.js';
import { hasPermission, type PermissionName } from '../domain/permissions.js';

/**
 * identify: who; guilds: their servers with their permissions there. guilds.members.read (their
 * member record in one server: roles, nickname) is asked for now, as issue 13 says, so that checks
 * built on it later need no second consent; nothing reads it yet.
 */
export const DISCORD_SCOPES = ['identify', 'guilds', 'guilds.members.read'] as const;

export interface DiscordAuthOptions {
  /** The application id, which is the OAuth2 client id. */
  clientId: string;
  clientSecret: string;
  /** REST base, e.g. https://discord.com/api; the authorize page is on its origin. */
  apiUrl: string;
  /** Where Discord sends the browser back to: DASHBOARD_PUBLIC_URL + /auth/callback. */
  redirectUri: string;
  /** The servers the dashboard may show (DISCORD_ALLOWED_GUILD_IDS): the same list HeraldCommands answers in. */
  allowedGuildIds: readonly string[];
  requiredPermission: PermissionName;
  adminPermission: PermissionName;
}

export interface DiscordUser {
  id: string;
  /** The display name, else the username. */
  name: string;
  locale?: string;
}

/** A server the user may use Herald in: on the allowed list, a member, with the required permission. */
export interface DashboardGuild {
  id: string;
  name: string;
  /** Has the admin permission there: the server's open tasks and templates. */
  admin: boolean;
}

export interface SignInStart {
  url: URL;
  state: string;
  codeVerifier: string;
}

/** The token no longer works (expired or revoked): the user has to sign in again. */
export class DiscordTokenRejected extends Error {}

export class DiscordAuth {
  private readonly client: OAuth2Client;
  private readonly authorizeUrl: string;
  private readonly tokenUrl: string;

  constructor(private readonly options: DiscordAuthOptions) {
    this.client = new OAuth2Client(options.clientId, options.clientSecret, options.redirectUri);
    this.authorizeUrl = `${new URL(options.apiUrl).origin}/oauth2/authorize`;
    this.tokenUrl = `${options.apiUrl}/oauth2/token`;
  }

  /** Where to send the browser; keep `state` and `codeVerifier` in the session until the callback. */
  start(): SignInStart {
    const state = generateState();
    const codeVerifier = generateCodeVerifier();
    const url = this.client.createAuthorizationURLWithPKCE(this.authorizeUrl, state, CodeChallengeMethod.S256, codeVerifier, [...DISCORD_SCOPES]);
    return { url, state, codeVerifier };
  }

  /** Trades the code for an access token (the verifier proves this is the browser that started). */
  async finish(code: string, codeVerifier: string): Promise<string> {
    try {
      const tokens = await this.client.validateAuthorizationCode(this.tokenUrl, code, codeVerifier);
      return tokens.accessToken();
    } catch (err) {
      if (err instanceof OAuth2RequestError) throw new DiscordTokenRejected(`Discord refused the code: ${err.code}`);
      throw err;
    }
  }

  async user(accessToken: string): Promise<DiscordUser> {
    const me = await this.get<{ id: string; username: string; global_name?: string | null; locale?: string }>(accessToken, '/users/@me');
    return { id: me.id, name: me.global_name || me.username, ...(me.locale && { locale: me.locale }) };
  }

  /**
   * The allowed servers the user is in and may use Herald in, by the same rule as the bot:
   * DISCORD_REQUIRED_PERMISSION to use it, DISCORD_ADMIN_PERMISSION for the admin pages.
   */
  async guilds(accessToken: string): Promise<DashboardGuild[]> {
    type PartialGuild = { id: string; name: string; permissions: string };
    // Discord answers at most 200 servers a page, in id order.
    const guilds: PartialGuild[] = [];
    for (let after = '0'; ; ) {
      const page = await this.get<PartialGuild[]>(accessToken, `/users/@me/guilds?limit=200&after=${after}`);
      guilds.push(...page);
      if (page.length < 200) break;
      after = page.at(-1)!.id;
    }
    const { allowedGuildIds, requiredPermission, adminPermission } = this.options;
    return guilds
      .filter((g) => isServerAllowed({ allowedGuildIds }, g.id) && hasPermission(g.permissions, requiredPermission))
      .map((g) => ({ id: g.id, name: g.name, admin: hasPermission(g.permissions, adminPermission) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async get<T>(accessToken: string, path: string): Promise<T> {
    const response = await fetch(`${this.options.apiUrl}/v10${path}`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 401) throw new DiscordTokenRejected('Discord no longer accepts the token');
    if (!response.ok) throw new Error(`Discord answered ${response.status} to GET ${path}`);
    return (await response.json()) as T;
  }
}
