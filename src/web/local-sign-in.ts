// Signing in without Discord (console mode): `npm run dev` prints a link with a one-time token
// for the console user. A token works once, for a few minutes, and only in this process; only
// its hash is kept.
import { createHash, randomBytes } from 'node:crypto';

/** How long a printed sign-in link works. */
export const LOCAL_SIGN_IN_TTL_MS = 15 * 60_000;

export class LocalSignIn {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A fresh single-use token. */
  issue(): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(hash(token), this.clock() + LOCAL_SIGN_IN_TTL_MS);
    return token;
  }

  /** True once for a token this process issued and that has not expired; false for anything else. */
  redeem(token: string): boolean {
    const key = hash(token);
    const expiresAt = this.tokens.get(key);
    this.tokens.delete(key);
    return expiresAt !== undefined && expiresAt > this.clock();
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, expiresAt] of this.tokens) if (expiresAt <= now) this.tokens.delete(key);
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
