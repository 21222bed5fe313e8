// The updatable timer (Temporal's name for the pattern): a wait for a deadline that may move while
// it runs. Whoever moves it (the reschedule signal today, perhaps an Update later) sets
// `deadline`; a sleep in progress wakes and follows the new time. Workflow code: Date.now() is
// the workflow's deterministic clock.
import { condition } from '@temporalio/workflow';

export class UpdatableTimer {
  private moved = false;

  constructor(private current: number) {}

  /** The instant it is due, in milliseconds since the epoch. */
  get deadline(): number {
    return this.current;
  }

  /** Moves the deadline, earlier or later; a sleep in progress follows. */
  set deadline(deadline: number) {
    this.current = deadline;
    this.moved = true;
  }

  /**
   * Sleeps until `leadMs` before the deadline, following every move meanwhile. After a move,
   * `interrupt` may end the sleep early (false): the caller then learns the time another way.
   */
  async sleep(leadMs = 0, interrupt: () => boolean = () => false): Promise<boolean> {
    while (this.current - leadMs > Date.now()) {
      this.moved = false;
      await condition(() => this.moved, this.current - leadMs - Date.now());
      if (this.moved && interrupt()) return false;
    }
    this.moved = false;
    return true;
  }

  /** Resolves when the deadline next moves (after the last sleep ended). */
  moves(): Promise<void> {
    return condition(() => this.moved);
  }
}
