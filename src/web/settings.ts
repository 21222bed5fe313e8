// When the dashboard runs and how people sign in to it, decided once at start-up from the
// configuration and the mode. A missing setting the chosen way needs stops start-up with a
// ConfigError naming the variable, as src/config.ts does for a bad value.
import { type Config, ConfigError } from '../config.js';

export type DashboardPlan =
  | { run: false; reason?: string }
  | {
      run: true;
      port: number;
      /** No SESSION_SECRET was set: a random key for this process (local use only). */
      generatedSessionKey: boolean;
    } & (
      | { signIn: 'local' }
      /** The servers the dashboard may show: never empty (config.discord.allowedGuildIds, checked here). */
      | { signIn: 'discord'; allowedGuildIds: readonly string[] }
    );

/**
 * - `web` mode is the dashboard alone, signed in with Discord: it needs DASHBOARD_PORT (not 0),
 *   DISCORD_APPLICATION_ID, DISCORD_CLIENT_SECRET, a SESSION_SECRET of 32 bytes or more and
 *   DISCORD_ALLOWED_GUILD_IDS (or DISCORD_GUILD_ID).
 * - `all` mode (`npm run dev`) runs it too unless DASHBOARD_PORT=0. With Discord it needs the same
 *   settings, except that without DISCORD_CLIENT_SECRET the bot runs and the dashboard stays off
 *   (with a warning naming the variable), and outside production a missing SESSION_SECRET is
 *   replaced by a random key for this process. Without Discord (the console), sign-in is by a
 *   one-time link for the console user and no setting is needed.
 * - `worker` and `bot` modes never serve it.
 */
export function dashboardPlan(config: Config, mode: string): DashboardPlan {
  if (mode !== 'all' && mode !== 'web') return { run: false };
  const { port } = config.dashboard;
  const discord = config.discord.token !== undefined;
  if (mode === 'all' && port === undefined) return { run: false, reason: 'DASHBOARD_PORT=0' };
  if (mode === 'all' && !discord) return { run: true, port: port!, signIn: 'local', generatedSessionKey: !config.dashboard.sessionSecret };
  if (mode === 'all' && !config.discord.clientSecret) {
    return { run: false, reason: 'DISCORD_CLIENT_SECRET is not set, so nobody could sign in with Discord' };
  }
  const problems: { variable: string; message: string }[] = [];
  const why = mode === 'web' ? 'the web mode signs people in with Discord' : 'the dashboard signs people in with Discord';
  if (port === undefined) problems.push({ variable: 'DASHBOARD_PORT', message: 'the web mode serves the dashboard: give it a port (default 3000), not 0' });
  if (!config.discord.applicationId) problems.push({ variable: 'DISCORD_APPLICATION_ID', message: `${why}: the application id is its OAuth2 client id` });
  if (!config.discord.clientSecret) problems.push({ variable: 'DISCORD_CLIENT_SECRET', message: `${why}: set the application's OAuth2 client secret` });
  const generatedSessionKey = !config.dashboard.sessionSecret;
  if (generatedSessionKey && (mode === 'web' || config.env === 'production')) {
    problems.push({ variable: 'SESSION_SECRET', message: 'needed to encrypt the session cookie: at least 32 random bytes, e.g. `openssl rand -base64 48`' });
  }
  // Unset only when no bot runs (config.ts); a dashboard that signs in with Discord needs the list all the same.
  const allowedGuildIds = config.discord.allowedGuildIds ?? [];
  if (allowedGuildIds.length === 0) {
    problems.push({ variable: 'DISCORD_ALLOWED_GUILD_IDS', message: 'the dashboard shows only allowed servers: list their ids (or set DISCORD_GUILD_ID)' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { run: true, port: port!, signIn: 'discord', allowedGuildIds, generatedSessionKey };
}
