// Shared helpers for the unit tests (not a test file itself).
import { HeraldError } from '../../src/domain/errors.js';

/** Runs `fn` and returns the HeraldError it throws; fails if it returns or throws anything else. */
export function heraldErrorOf(fn: () => unknown): HeraldError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HeraldError) return err;
    throw new Error(`expected a HeraldError, got ${String(err)}`);
  }
  throw new Error('expected a HeraldError, but nothing was thrown');
}

/** The `.code` of the HeraldError `fn` throws. */
export function codeOf(fn: () => unknown): string {
  return heraldErrorOf(fn).code;
}

/** Either a value, or a HeraldError; anything else thrown is a bug (for generated-input tests). */
export function outcome<T>(run: () => T): { ok: true; value: T } | { ok: false; error: HeraldError } {
  try {
    return { ok: true, value: run() };
  } catch (err) {
    if (err instanceof HeraldError) return { ok: false, error: err };
    throw err;
  }
}
