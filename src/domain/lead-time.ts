// The one rule for when a reservation may be due. Everything that schedules calls this.
import { HeraldError } from './errors.js';
import { MAX_LEAD_DAYS, MIN_LEAD_MS } from './limits.js';
import { type ParsedWhen, parseWhen, type WhenOptions } from './when.js';

/** Throws unless `when` is at least MIN_LEAD_MS and at most MAX_LEAD_DAYS after `now`. */
export function assertSchedulable(when: Date, now: Date): void {
  const lead = when.getTime() - now.getTime();
  if (Number.isNaN(lead)) throw new HeraldError('TIME_UNPARSEABLE', { input: String(when) });
  if (lead < 0) throw new HeraldError('TIME_IN_PAST', { when: when.toISOString() });
  if (lead < MIN_LEAD_MS) throw new HeraldError('TIME_TOO_SOON', { minSeconds: MIN_LEAD_MS / 1000 });
  if (lead > MAX_LEAD_DAYS * 86_400_000) throw new HeraldError('TIME_TOO_FAR', { maxDays: MAX_LEAD_DAYS });
}

/**
 * When a reservation for `when` is due: a user's words read in `zone` at `now` (in the user's
 * language first), or an instant as given. Throws unless it is schedulable.
 */
export function reservationTime(when: string | Date, options: WhenOptions): ParsedWhen {
  const parsed = when instanceof Date ? { instant: when, text: when.toISOString(), nextYear: false } : parseWhen(when, options);
  assertSchedulable(parsed.instant, options.now);
  return parsed;
}
