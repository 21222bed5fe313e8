// "Sign in with Discord" against the emulator, with the clients the dashboard will use: arctic's
// OAuth2Client for the code flow (PKCE, refresh, revoke) and @discordjs/rest with a Bearer token
// for the user's own routes. Only the base URL differs from discord.com.
import { REST, DiscordAPIError } from '@discordjs/rest';
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from 'arctic';
import { Routes } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_ID, BOT, EmulatorTestKit, GUILD, settle, TOKEN } from './bot-harness.js';
import { ALL_PERMISSIONS, Permission, type DiscordEmulator } from './emulator.js';

const kit = new EmulatorTestKit();
afterEach(() => kit.cleanup());

const SECRET = 'dashboard-client-secret';
const REDIRECT = 'http://127.0.0.1:3999/auth/callback';
const SCOPES = ['identify', 'guilds', 'guilds.members.read'];
const owner = { id: '1300000000000000001', username: 'olivia' };
const alice = { id: '1300000000000000002', username: 'alice', email: 'alice@example.com', locale: 'ko' };
const bob = { id: '1300000000000000003', username: 'bob' };
const carol = { id: '1300000000000000004', username: 'carol' };
const GUILD_B = { id: '1300000000000000010', name: 'Guild B' };
const REGULAR = Permission.ViewChannel | Permission.SendMessages | Permission.UseApplicationCommands;

async function startWorld(): Promise<{ discord: DiscordEmulator; client: OAuth2Client; endpoints: Record<'authorize' | 'token' | 'revoke', string> }> {
  const discord = await kit.startEmulator({
    guilds: [
      { ...GUILD, ownerId: owner.id, members: [{ user: alice, permissions: REGULAR | Permission.ManageGuild }, { user: bob, permissions: REGULAR }] },
      { ...GUILD_B, members: [{ user: carol, permissions: REGULAR }] },
    ],
    oauth2: { clientSecret: SECRET, redirectUris: [REDIRECT] },
  });
  // discord.com/oauth2/authorize and discord.com/api/oauth2/token, with the emulator's origin.
  const endpoints = {
    authorize: `${discord.origin}/oauth2/authorize`,
    token: `${discord.apiUrl}/oauth2/token`,
    revoke: `${discord.apiUrl}/oauth2/token/revoke`,
  };
  return { discord, client: new OAuth2Client(APP_ID, SECRET, REDIRECT), endpoints };
}

/** Follows the authorization URL like a browser would (the emulator's user consents at once) and returns the redirect. */
async function authorize(url: URL | string): Promise<{ status: number; location: URL | null }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  return { status: response.status, location: location === null ? null : new URL(location) };
}

/** Signs a user in through the whole code flow and returns the tokens. */
async function signIn(world: Awaited<ReturnType<typeof startWorld>>, userId: string, scopes = SCOPES) {
  world.discord.oauth2.signInAs(userId);
  const state = generateState();
  const verifier = generateCodeVerifier();
  const { location } = await authorize(world.client.createAuthorizationURLWithPKCE(world.endpoints.authorize, state, CodeChallengeMethod.S256, verifier, scopes));
  expect(location?.searchParams.get('state')).toBe(state);
  return world.client.validateAuthorizationCode(world.endpoints.token, location!.searchParams.get('code')!, verifier);
}

/** A REST client acting for the user. A fresh one per use: @discordjs/rest drops its token after a 401. */
const bearer = (discord: DiscordEmulator, accessToken: string) => new REST({ api: discord.apiUrl, authPrefix: 'Bearer' }).setToken(accessToken);
const apiError = async (promise: Promise<unknown>) => {
  const result = await settle(promise);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error as DiscordAPIError;
};
const oauthError = async (promise: Promise<unknown>) => {
  const result = await settle(promise);
  if (result.ok) throw new Error('expected an OAuth2 error');
  expect(result.error).toBeInstanceOf(OAuth2RequestError);
  return result.error as OAuth2RequestError;
};

describe('OAuth2 (Sign in with Discord)', () => {
  it('runs the code flow with PKCE through arctic; the Bearer token reads the user, guilds and membership', async () => {
    const world = await startWorld();
    const { discord, client, endpoints } = world;
    discord.oauth2.signInAs(alice.id);
    const state = generateState();
    const verifier = generateCodeVerifier();
    const url = client.createAuthorizationURLWithPKCE(endpoints.authorize, state, CodeChallengeMethod.S256, verifier, SCOPES);
    const { status, location } = await authorize(url);
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    expect(location!.searchParams.get('state')).toBe(state);
    const code = location!.searchParams.get('code')!;
    expect(code).toMatch(/^[\w-]{20,}$/);
    expect(discord.oauth2.authorizeRequests.at(-1)).toMatchObject({
      userId: alice.id,
      outcome: 'approved',
      query: { response_type: 'code', client_id: APP_ID, scope: SCOPES.join(' '), code_challenge_method: 'S256', redirect_uri: REDIRECT },
    });

    const tokens = await client.validateAuthorizationCode(endpoints.token, code, verifier);
    expect(tokens.tokenType()).toBe('Bearer');
    expect(tokens.scopes()).toEqual(SCOPES);
    expect(tokens.accessTokenExpiresInSeconds()).toBe(604_800);
    expect(tokens.hasRefreshToken()).toBe(true);
    // The code is single-use.
    expect((await oauthError(client.validateAuthorizationCode(endpoints.token, code, verifier))).code).toBe('invalid_grant');
    // The client secret stays out of the recorded requests.
    expect(JSON.stringify(discord.requests)).not.toContain(SECRET);

    const rest = () => bearer(discord, tokens.accessToken());
    expect(await rest().get(Routes.user())).toMatchObject({ id: alice.id, username: 'alice', locale: 'ko' });
    expect(await rest().get(Routes.user())).not.toHaveProperty('email'); // no `email` scope
    expect(await rest().get(Routes.userGuilds())).toEqual([
      { id: GUILD.id, name: GUILD.name, icon: null, banner: null, owner: false, permissions: (REGULAR | Permission.ManageGuild).toString(), features: [] },
    ]);
    expect(await rest().get(Routes.userGuildMember(GUILD.id))).toMatchObject({ user: { id: alice.id }, roles: [] });
    // alice is not in guild B.
    expect(await apiError(rest().get(Routes.userGuildMember(GUILD_B.id)))).toMatchObject({ status: 404, code: 10004 });
    // A Bearer token cannot call the bot's routes.
    expect(await apiError(rest().get(Routes.guildMember(GUILD.id, alice.id)))).toMatchObject({ status: 401, code: 0 });
    // Unversioned paths work as on discord.com/api.
    const plain = await fetch(`${discord.apiUrl}/users/@me`, { headers: { Authorization: `Bearer ${tokens.accessToken()}` } });
    expect(await plain.json()).toMatchObject({ id: alice.id });
    expect(await rest().get(Routes.oauth2CurrentAuthorization())).toMatchObject({ scopes: SCOPES, application: { id: APP_ID }, user: { id: alice.id } });
    expect(discord.unhandledRequests).toEqual([]);
  });

  it('lists each user their own guilds with permissions as Discord computes them', async () => {
    const world = await startWorld();
    const guildsOf = async (userId: string) => bearer(world.discord, (await signIn(world, userId)).accessToken()).get(Routes.userGuilds()) as Promise<Record<string, unknown>[]>;
    expect(await guildsOf(owner.id)).toEqual([expect.objectContaining({ id: GUILD.id, owner: true, permissions: ALL_PERMISSIONS.toString() })]);
    const bobs = await guildsOf(bob.id);
    expect(bobs).toEqual([expect.objectContaining({ id: GUILD.id, owner: false, permissions: REGULAR.toString() })]);
    expect(BigInt(bobs[0]!.permissions as string) & Permission.ManageGuild).toBe(0n);
    expect(await guildsOf(carol.id)).toEqual([expect.objectContaining({ id: GUILD_B.id, name: 'Guild B' })]);
    // A member removed from a guild no longer sees it.
    world.discord.removeMember(GUILD.id, bob.id);
    expect(await guildsOf(bob.id)).toEqual([]);
    // The bot token still reads the bot's own guilds.
    const botRest = new REST({ api: world.discord.apiUrl }).setToken(TOKEN);
    expect(((await botRest.get(Routes.userGuilds())) as { id: string }[]).map((g) => g.id)).toEqual([GUILD.id, GUILD_B.id]);
    expect(await botRest.get(Routes.user())).toMatchObject({ id: BOT.id, bot: true });
  });

  it('checks scopes, expiry, refresh and revocation', async () => {
    const world = await startWorld();
    const { discord, client, endpoints } = world;
    const identifyToken = (await signIn(world, alice.id, ['identify'])).accessToken();
    const identifyOnly = () => bearer(discord, identifyToken);
    expect(await identifyOnly().get(Routes.user())).toMatchObject({ id: alice.id });
    expect(await apiError(identifyOnly().get(Routes.userGuilds()))).toMatchObject({ status: 401, code: 0, message: '401: Unauthorized' });
    expect((await apiError(identifyOnly().get(Routes.userGuildMember(GUILD.id)))).status).toBe(401);
    const withEmail = bearer(discord, (await signIn(world, alice.id, ['identify', 'email'])).accessToken());
    expect(await withEmail.get(Routes.user())).toMatchObject({ email: 'alice@example.com', verified: true });
    expect((await apiError(bearer(discord, 'not-a-token').get(Routes.user()))).status).toBe(401);

    const tokens = await signIn(world, alice.id);
    discord.oauth2.expireAccessTokens();
    expect((await apiError(bearer(discord, tokens.accessToken()).get(Routes.user()))).status).toBe(401);
    const refreshed = await client.refreshAccessToken(endpoints.token, tokens.refreshToken(), []);
    expect(refreshed.accessToken()).not.toBe(tokens.accessToken());
    expect(refreshed.scopes()).toEqual(SCOPES);
    expect(await bearer(discord, refreshed.accessToken()).get(Routes.user())).toMatchObject({ id: alice.id });
    // A refresh token is spent once used.
    expect((await oauthError(client.refreshAccessToken(endpoints.token, tokens.refreshToken(), []))).code).toBe('invalid_grant');

    await client.revokeToken(endpoints.revoke, refreshed.accessToken());
    expect((await apiError(bearer(discord, refreshed.accessToken()).get(Routes.user()))).status).toBe(401);
    expect((await oauthError(client.refreshAccessToken(endpoints.token, refreshed.refreshToken(), []))).code).toBe('invalid_grant');
  });

  it('refuses a wrong code_verifier, client secret or redirect_uri, and JSON bodies', async () => {
    const world = await startWorld();
    const { discord, client, endpoints } = world;
    const other = 'http://127.0.0.1:3999/other/callback';
    discord.oauth2.registerRedirectUri(other);
    const codeFor = async (verifier: string) => {
      const { location } = await authorize(client.createAuthorizationURLWithPKCE(endpoints.authorize, 's', CodeChallengeMethod.S256, verifier, SCOPES));
      return location!.searchParams.get('code')!;
    };
    const verifier = generateCodeVerifier();
    expect((await oauthError(client.validateAuthorizationCode(endpoints.token, await codeFor(verifier), generateCodeVerifier()))).description).toBe(
      'Invalid "code_verifier" in request.',
    );
    expect((await oauthError(client.validateAuthorizationCode(endpoints.token, await codeFor(verifier), null))).code).toBe('invalid_grant');
    const wrongSecret = new OAuth2Client(APP_ID, 'not-the-secret', REDIRECT);
    expect((await oauthError(wrongSecret.validateAuthorizationCode(endpoints.token, await codeFor(verifier), verifier))).code).toBe('invalid_client');
    const elsewhere = new OAuth2Client(APP_ID, SECRET, other);
    expect((await oauthError(elsewhere.validateAuthorizationCode(endpoints.token, await codeFor(verifier), verifier))).description).toBe(
      'Invalid "redirect_uri" in request.',
    );

    // Client credentials in the form work as well as HTTP Basic.
    const code = await codeFor(verifier);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: APP_ID, client_secret: SECRET });
    const asJson = await fetch(endpoints.token, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(Object.fromEntries(form)) });
    expect(asJson.status).toBe(400);
    expect(await asJson.json()).toMatchObject({ error: 'invalid_request' });
    const asForm = await fetch(endpoints.token, { method: 'POST', body: form });
    expect(asForm.status).toBe(200);
    expect(await asForm.json()).toMatchObject({ token_type: 'Bearer', scope: SCOPES.join(' ') });
  });

  it('redirects with error=access_denied when the user cancels, and refuses bad authorization requests', async () => {
    const world = await startWorld();
    const { discord, client, endpoints } = world;
    discord.oauth2.signInAs(bob.id);
    discord.oauth2.setConsent('deny');
    const denied = await authorize(client.createAuthorizationURLWithPKCE(endpoints.authorize, 'st-1', CodeChallengeMethod.S256, generateCodeVerifier(), SCOPES));
    expect(denied.status).toBe(302);
    expect(Object.fromEntries(denied.location!.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The resource owner or authorization server denied the request',
      state: 'st-1',
    });
    expect(discord.oauth2.authorizeRequests.at(-1)).toMatchObject({ userId: bob.id, outcome: 'denied' });
    discord.oauth2.setConsent('approve');

    const bad = async (change: (url: URL) => void) => {
      const url = client.createAuthorizationURLWithPKCE(endpoints.authorize, 'st', CodeChallengeMethod.S256, generateCodeVerifier(), SCOPES);
      change(url);
      const result = await authorize(url);
      expect(result.location).toBeNull();
      return { status: result.status, error: discord.oauth2.authorizeRequests.at(-1)?.error };
    };
    expect(await bad((u) => u.searchParams.set('redirect_uri', 'http://127.0.0.1:1/evil'))).toEqual({ status: 400, error: 'Invalid OAuth2 redirect_uri "http://127.0.0.1:1/evil"' });
    expect(await bad((u) => u.searchParams.set('client_id', '42'))).toMatchObject({ status: 400, error: expect.stringMatching(/Unknown application/) });
    expect(await bad((u) => u.searchParams.set('scope', 'identify everything'))).toMatchObject({ status: 400, error: 'Invalid scope: everything' });
    expect(await bad((u) => u.searchParams.set('response_type', 'token'))).toMatchObject({ status: 400 });
    expect(() => discord.oauth2.signInAs('1300000000000000099')).toThrow(/unknown user/);
    expect(() => discord.oauth2.signInAs(BOT.id)).toThrow(/is a bot/);
  });
});
