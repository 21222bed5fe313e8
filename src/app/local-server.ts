// The one server a Herald without Discord has: the dashboard in console mode signs the console user
// in to it as its admin, and the console's template commands manage its templates.
import type { Config } from '../config.js';

/** Its id: the first allowed server when there is a list (HeraldCommands answers in no other), else "local". */
export function localServerId(config: Pick<Config, 'discord'>): string {
  return config.discord.allowedGuildIds?.[0] ?? 'local';
}
