// /sendmail and /reserve waiting for their variables form (issue 12). Without `vars`, a command
// whose template needs variables answers with a modal, one field per variable; the submit then
// carries on with the command. The command's other options (recipients up to 1,000 characters,
// the time, the description) do not fit into the modal's 100-character custom id, so they wait
// here, under a random key that the custom id carries.
//
// They wait in this process's memory for VARS_FORM_TTL_MS. A form is filled in within minutes,
// and its submit reaches the process that showed it (Discord gives a server's interactions to the
// one gateway session that holds that server). A restart in between loses the form: the submit
// says so and the user runs the command again. That costs less than a table, a migration and a
// clean-up job for recipients and descriptions that may never become a task.
import { randomBytes } from 'node:crypto';
import type { MailOptions } from '../app/commands.js';
import { MAX_PENDING_VARS_FORMS, VARS_FORM_TTL_MS } from '../domain/limits.js';

/** The command a form continues: its options as given, and the variables the form asks for. */
export interface VarsForm {
  command: 'sendmail' | 'reserve';
  options: MailOptions & { when?: string; repeat?: string | null; until?: string | null };
  variables: string[];
}

interface Owner {
  userId: string;
  guildId: string | null;
}

export type TakenForm = { kind: 'ok'; form: VarsForm } | { kind: 'expired' } | { kind: 'not-yours' };

export class PendingForms {
  private readonly forms = new Map<string, Owner & { expiresAt: number; form: VarsForm }>();

  constructor(
    private readonly options: { ttlMs: number; max: number; clock: () => number } = {
      ttlMs: VARS_FORM_TTL_MS,
      max: MAX_PENDING_VARS_FORMS,
      clock: Date.now,
    },
  ) {}

  /** Keeps `form` for its owner and answers the key the modal's custom id carries. */
  put(owner: Owner, form: VarsForm): string {
    this.prune();
    // Every form lives equally long, so the first in the map is the oldest.
    while (this.forms.size >= this.options.max) this.forms.delete(this.forms.keys().next().value!);
    const key = randomBytes(12).toString('base64url');
    this.forms.set(key, { ...owner, expiresAt: this.options.clock() + this.options.ttlMs, form });
    return key;
  }

  /** The form under `key`, once: for its owner in the server it was opened in. */
  take(key: string, owner: Owner): TakenForm {
    const entry = this.forms.get(key);
    if (!entry || entry.expiresAt <= this.options.clock()) {
      this.forms.delete(key);
      return { kind: 'expired' };
    }
    if (entry.userId !== owner.userId || entry.guildId !== owner.guildId) return { kind: 'not-yours' };
    this.forms.delete(key);
    return { kind: 'ok', form: entry.form };
  }

  get size(): number {
    return this.forms.size;
  }

  private prune(): void {
    const now = this.options.clock();
    for (const [key, entry] of this.forms) {
      if (entry.expiresAt > now) break;
      this.forms.delete(key);
    }
  }
}
