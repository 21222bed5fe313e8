// The quick moves of a reservation (issue 11): +10 minutes, +1 hour, tomorrow at the same time.
// Each moves from the reservation's current time, and the result goes through the same lead rule
// as any other reschedule (lead-time.ts).
import { DateTime } from 'luxon';

export const QUICK_MOVES = ['10m', '1h', 'tomorrow'] as const;
export type QuickMove = (typeof QUICK_MOVES)[number];

export function isQuickMove(value: string): value is QuickMove {
  return (QUICK_MOVES as readonly string[]).includes(value);
}

/**
 * Where `move` takes a reservation due at `from`. "Tomorrow" keeps the wall-clock time in the
 * user's zone, so it stays 09:00 across a DST change (a time the change skips moves forward).
 */
export function quickMoveTarget(from: Date, move: QuickMove, zone: string): Date {
  switch (move) {
    case '10m':
      return new Date(from.getTime() + 10 * 60_000);
    case '1h':
      return new Date(from.getTime() + 60 * 60_000);
    case 'tomorrow':
      return DateTime.fromJSDate(from, { zone }).plus({ days: 1 }).toJSDate();
  }
}
