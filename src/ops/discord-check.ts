// The Discord session's readiness check, apart from checks.ts so that processes without the bot
// never load discord.js.
import { type Client, Status } from 'discord.js';

/**
 * Every gateway shard is connected and identified. The manager's own status stays "ready" once
 * reached, so the shards are what tell a lost or resuming session.
 */
export function discordCheck(client: Client): () => void {
  return () => {
    const shards = [...client.ws.shards.values()];
    if (shards.length === 0) throw new Error('no gateway session');
    const down = shards.filter((shard) => shard.status !== Status.Ready);
    if (down.length > 0) throw new Error(`gateway shard ${down.map((s) => `${s.id} is ${Status[s.status]?.toLowerCase()}`).join(', ')}`);
  };
}
