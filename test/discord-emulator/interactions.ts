/**
 * Per-interaction bookkeeping (callback, @original, edits, follow-ups, refused requests)
 * and the handle tests use to await what the bot answered.
 */
import { EventEmitter } from 'node:events';
import type { APIMessage } from 'discord-api-types/v10';
import type { RecordedModal } from './modals.js';
import { CallbackType, MessageFlag } from './payloads.js';

export const DEFAULT_WAIT_MS = 5_000;

/** Notifies waiters whenever emulator state changes. */
export class ChangeSignal {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(): void {
    this.emitter.emit('change');
  }

  /** Resolves with the first non-undefined `check()` result; rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const immediate = check();
    if (immediate !== undefined) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`discord-emulator: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.emitter.off('change', onChange);
      };
      this.emitter.on('change', onChange);
    });
  }
}

/** The interaction response the bot POSTed to `/interactions/:id/:token/callback`. */
export interface RecordedCallback {
  type: number;
  /** `data` of the callback body (message fields, `choices`, modal...), `undefined` if none. */
  data: Record<string, unknown> | undefined;
  /** `flags` of `data` (64 = ephemeral), 0 if absent. */
  flags: number;
  ephemeral: boolean;
  /** Whether the bot asked for `?with_response=true`. */
  withResponse: boolean;
  /** Milliseconds from gateway dispatch to callback arrival. */
  elapsedMs: number;
  attachments: { filename: string; size: number }[];
}

/** An edit of a message sent for this interaction (via the interaction webhook). */
export interface RecordedEdit {
  /** Real message id (`@original` is resolved). */
  messageId: string;
  isOriginal: boolean;
  /** The raw PATCH body. */
  body: Record<string, unknown>;
  /** The message after the edit. */
  message: APIMessage;
  elapsedMs: number;
  /** Files this edit uploaded (multipart `files[n]`). */
  attachments: { filename: string; size: number }[];
}

/** A request about this interaction the emulator refused (late or double ack, bad webhook...). */
export interface RecordedRefusal {
  method: string;
  path: string;
  status: number;
  code: number;
  message: string;
  elapsedMs: number;
}

export class InteractionRecord {
  readonly dispatchedAt = performance.now();
  callback?: RecordedCallback;
  /** Id of the message `@original` refers to, once there is one. */
  originalMessageId?: string;
  readonly edits: RecordedEdit[] = [];
  readonly followUps: APIMessage[] = [];
  readonly refusals: RecordedRefusal[] = [];
  /** Set once a callback was refused as too late (10062): the token is then dead. */
  expired = false;
  /** The modal the bot answered with (callback type 9). */
  modal?: RecordedModal;
  /** Set once the user submitted that modal (it closes on submit). */
  modalSubmitted = false;

  constructor(
    readonly id: string,
    readonly token: string,
    readonly type: number,
    readonly payload: Record<string, unknown>,
    /** For component interactions: the message the component is on. */
    readonly sourceMessageId?: string,
  ) {}

  elapsed(): number {
    return Math.round((performance.now() - this.dispatchedAt) * 100) / 100;
  }
}

export interface WaitOptions {
  /** Give up after this many ms (default 5000). */
  timeoutMs?: number;
}

export interface FinalOptions extends WaitOptions {
  /** After the message is final, keep waiting until no edit arrived for this long (default 0). */
  quietMs?: number;
}

/** What `sendInteraction` and the builders return. */
export class InteractionHandle {
  private editCursor = 0;
  private followUpCursor = 0;

  constructor(
    readonly record: InteractionRecord,
    private readonly signal: ChangeSignal,
    private readonly getMessage: (id: string) => APIMessage | undefined,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get token(): string {
    return this.record.token;
  }

  /** The INTERACTION_CREATE payload that was dispatched. */
  get payload(): Record<string, unknown> {
    return this.record.payload;
  }

  get edits(): readonly RecordedEdit[] {
    return this.record.edits;
  }

  get followUps(): readonly APIMessage[] {
    return this.record.followUps;
  }

  get refusals(): readonly RecordedRefusal[] {
    return this.record.refusals;
  }

  /** Resolves with the (first, accepted) interaction callback. */
  callback(options: WaitOptions = {}): Promise<RecordedCallback> {
    return this.signal.waitFor(() => this.record.callback, options.timeoutMs ?? DEFAULT_WAIT_MS, `the callback of interaction ${this.id}`);
  }

  /** The modal the bot showed (callback type 9), once it did. */
  get modal(): RecordedModal | undefined {
    return this.record.modal;
  }

  /** Resolves with the modal the bot showed; rejects if the bot answered with anything else. */
  async waitForModal(options: WaitOptions = {}): Promise<RecordedModal> {
    const callback = await this.callback(options);
    if (callback.type !== CallbackType.Modal || !this.record.modal) {
      throw new Error(`discord-emulator: interaction ${this.id} was answered with callback type ${callback.type}, not a modal (9)`);
    }
    return this.record.modal;
  }

  /** Resolves with the next edit not yet returned by `nextEdit` (edits are queued in arrival order). */
  async nextEdit(options: WaitOptions = {}): Promise<RecordedEdit> {
    const index = this.editCursor++;
    return this.signal.waitFor(() => this.record.edits[index], options.timeoutMs ?? DEFAULT_WAIT_MS, `edit #${index + 1} of interaction ${this.id}`);
  }

  /** Resolves with the next follow-up message not yet returned by `nextFollowUp`. */
  async nextFollowUp(options: WaitOptions = {}): Promise<APIMessage> {
    const index = this.followUpCursor++;
    return this.signal.waitFor(() => this.record.followUps[index], options.timeoutMs ?? DEFAULT_WAIT_MS, `follow-up #${index + 1} of interaction ${this.id}`);
  }

  /** Resolves with the next refused request (e.g. a second ack, code 40060). */
  nextRefusal(options: WaitOptions = {}): Promise<RecordedRefusal> {
    const seen = this.record.refusals.length;
    return this.signal.waitFor(() => this.record.refusals[seen], options.timeoutMs ?? DEFAULT_WAIT_MS, `a refused request for interaction ${this.id}`);
  }

  /** The current state of `@original`, if any. */
  originalMessage(): APIMessage | undefined {
    return this.record.originalMessageId === undefined ? undefined : this.getMessage(this.record.originalMessageId);
  }

  /**
   * The message the user ends up seeing: for a reply/update (4, 7) the message right away,
   * for a deferral (5, 6) the message after the first edit of `@original`.
   */
  async waitForFinal(options: FinalOptions = {}): Promise<APIMessage> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const started = performance.now();
    const remaining = () => Math.max(1, timeoutMs - (performance.now() - started));
    const callback = await this.callback({ timeoutMs });
    switch (callback.type) {
      case CallbackType.ChannelMessageWithSource:
      case CallbackType.UpdateMessage:
        break;
      case CallbackType.DeferredChannelMessageWithSource:
      case CallbackType.DeferredMessageUpdate:
        await this.signal.waitFor(
          () => (this.record.edits.some((e) => e.isOriginal) ? true : undefined),
          remaining(),
          `an edit of @original after the deferral of interaction ${this.id}`,
        );
        break;
      default:
        throw new Error(`discord-emulator: interaction ${this.id} was answered with callback type ${callback.type}, which creates no message`);
    }
    const quietMs = options.quietMs ?? 0;
    if (quietMs > 0) {
      for (;;) {
        const count = this.record.edits.length;
        await new Promise((r) => setTimeout(r, quietMs));
        if (this.record.edits.length === count) break;
      }
    }
    const message = this.originalMessage();
    if (!message) throw new Error(`discord-emulator: interaction ${this.id} has no @original message (was it deleted?)`);
    return message;
  }

  /** True if @original is (currently) ephemeral. */
  isEphemeral(): boolean {
    return ((this.originalMessage()?.flags ?? this.record.callback?.flags ?? 0) & MessageFlag.Ephemeral) !== 0;
  }
}
