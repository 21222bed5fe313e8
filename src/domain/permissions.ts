// Discord member permissions as a bit set, for front ends that get them as a number rather than
// through discord.js (the dashboard reads them from the OAuth2 guild list). Administrator grants
// every permission, as in Discord and as discord.js's `has` does for the bot.
import { PermissionFlagsBits } from 'discord-api-types/v10';

export type PermissionName = keyof typeof PermissionFlagsBits;

/** Whether the permission bits (a decimal string or bigint, as Discord sends them) include `name`. */
export function hasPermission(bits: string | bigint, name: PermissionName): boolean {
  let value: bigint;
  try {
    value = typeof bits === 'bigint' ? bits : BigInt(bits);
  } catch {
    return false;
  }
  const flag = PermissionFlagsBits[name];
  return (value & PermissionFlagsBits.Administrator) === PermissionFlagsBits.Administrator || (value & flag) === flag;
}
