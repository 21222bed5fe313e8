// The local console front end: Herald's commands at a prompt, for running without Discord.
// It calls the same HeraldCommands as the Discord bot.
import { Writable } from 'node:stream';
import readline from 'node:readline';
import readlinePromises from 'node:readline/promises';
import type { HeraldCommands } from '../app/commands.js';
import type { Locale } from '../i18n/locale.js';
import { ui } from '../i18n/ui.js';
import { escapeVariableValue } from '../mail/templates.js';
import { renderPlain } from './render.js';
import { runTemplateCommand, TEMPLATE_HELP } from './template-commands.js';

const HELP = `Commands (quote values with spaces):
  send <template> <to> [name=value ...] [-d "description"]
  reserve <template> <to> "<when>" [name=value ...] [--repeat "<cadence>" [--until <date>]] -d "description"
      e.g. reserve reminder ada@example.com "in 2 minutes" name=Ada event=Standup "when=9:30" -d "standup"
           reserve reminder ada@example.com "monday 9am" name=Ada --repeat "every monday" --until 2027-03-01 -d "weekly"
  list [limit]                 your reservations and series, soonest first
  cancel <task-id>             a task id or its first 8 characters
  cancel all                   every open reservation of yours (asks first)
  reschedule <task-id> "<when>"
  edit <task-id> [--to <to>] [--template <name>] [name=value ...] [-d "description"]
                               change a reservation not yet sending, or a series' next runs
  pause <task-id>, resume <task-id>   a series: skip its runs until resumed
  history [limit]              your sent, failed and canceled tasks, newest first
  templates                    the templates send and reserve use, and their variables
${TEMPLATE_HELP}
  tz [zone]                    show or set your time zone (IANA, e.g. Asia/Seoul)
  lang en|ko                   reply language
  user <id>                    act as another user id
  web                          a new one-time sign-in link for the web dashboard
  help, quit`;

export interface ConsoleOptions {
  commands: HeraldCommands;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  userId?: string;
  locale?: Locale;
  /** A fresh one-time sign-in link to the web dashboard, when it runs. */
  signInLink?: () => string;
  /**
   * The server whose templates `template` and `preview` manage, as its admin (default "local"):
   * the one the dashboard in console mode shows (src/app/local-server.ts). Tasks made at the
   * console stay the console's own, with no server.
   */
  templateServer?: string;
}

export class ConsoleFrontEnd {
  private readonly rl: readlinePromises.Interface;
  private userId: string;
  private locale: Locale;
  private closed = false;
  /** "cancel all" asked "Cancel your N open reservations?" at this moment; the next line answers. */
  private cancelAllAskedAt: Date | undefined;

  constructor(private readonly options: ConsoleOptions) {
    this.rl = readlinePromises.createInterface({
      input: options.input ?? process.stdin,
      output: options.output ?? process.stdout,
      prompt: 'herald> ',
    });
    this.userId = options.userId ?? 'console';
    this.locale = options.locale ?? 'en';
  }

  /** Runs until the input ends or `quit`; resolves then. */
  async run(onQuit: () => void): Promise<void> {
    this.print(`Herald console. Type "help" for commands.`);
    this.rl.prompt();
    try {
      for await (const line of this.rl) {
        const keepGoing = await this.handle(line).catch((err: unknown) => {
          this.print(`✖ ${(err as Error).message}`);
          return true;
        });
        if (!keepGoing) break;
        if (!this.closed) this.rl.prompt();
      }
    } catch (err) {
      // A closed terminal: readline fails to restore its mode (EIO). That is the end of the input.
      if ((err as NodeJS.ErrnoException).code !== 'EIO') throw err;
    }
    if (!this.closed) {
      this.closed = true;
      onQuit();
    }
  }

  close(): void {
    this.closed = true;
    this.rl.close();
  }

  /**
   * A stream for log lines that prints them above the prompt and redraws what the user was
   * typing, so logs and the prompt do not run into each other.
   */
  logStream(): Writable {
    const out = (this.options.output ?? process.stdout) as NodeJS.WriteStream;
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (this.closed) {
          // Not `callback` as the write's own: once the terminal is gone its EIO would end Herald
          // mid-shutdown (the stream's own error events are handled in runtime/signals.ts).
          out.write(chunk);
          callback();
          return;
        }
        readline.clearLine(out, 0);
        readline.cursorTo(out, 0);
        out.write(chunk);
        this.rl.prompt(true);
        callback();
      },
    });
  }

  /** Handles one line; false means quit. */
  async handle(line: string): Promise<boolean> {
    const words = tokenize(line);
    const [command, ...args] = words;
    if (!command) return true;
    const { commands } = this.options;
    const ctx = await commands.contextFor({ userId: this.userId, guildId: null, locale: this.locale });
    if (this.cancelAllAskedAt) {
      const at = this.cancelAllAskedAt;
      this.cancelAllAskedAt = undefined;
      // Only a yes cancels; anything else keeps everything (and is not taken as a command).
      if (/^(y|yes|네|예|응)$/i.test(line.trim())) this.print(renderPlain(await commands.cancelAll(ctx, { at }), ctx));
      else this.print(ui(this.locale, 'cancelAllKept'));
      return true;
    }
    const { positional, vars, description, flags } = splitArgs(args);
    switch (command.toLowerCase()) {
      case 'help':
        this.print(HELP);
        return true;
      case 'quit':
      case 'exit':
        return false;
      case 'send':
        if (positional.length < 2) return this.usage('send <template> <to> [name=value ...] [-d "description"]');
        this.print(renderPlain(await commands.sendmail(ctx, { template: positional[0]!, to: positional[1]!, vars, description }), ctx));
        return true;
      case 'reserve':
        if (positional.length < 3) return this.usage('reserve <template> <to> "<when>" [name=value ...] -d "description"');
        this.print(
          renderPlain(
            await commands.reserve(ctx, {
              template: positional[0]!,
              to: positional[1]!,
              when: positional.slice(2).join(' '),
              vars,
              description,
              repeat: flags.repeat,
              until: flags.until,
            }),
            ctx,
          ),
        );
        return true;
      case 'list':
        this.print(renderPlain(await commands.reserved(ctx, { limit: positional[0] ? Number(positional[0]) : undefined }), ctx));
        return true;
      case 'cancel':
        if (positional.length !== 1) return this.usage('cancel <task-id> | cancel all');
        if (positional[0]!.toLowerCase() === 'all') {
          const question = await commands.cancelAllQuestion(ctx);
          if (question.kind === 'cancel-all' && question.count > 0) this.cancelAllAskedAt = question.at;
          this.print(renderPlain(question, ctx));
          return true;
        }
        this.print(renderPlain(await commands.cancel(ctx, { task: positional[0]! }), ctx));
        return true;
      case 'edit':
        if (positional.length !== 1) return this.usage('edit <task-id> [--to <to>] [--template <name>] [name=value ...] [-d "description"]');
        this.print(
          renderPlain(
            await commands.edit(ctx, { task: positional[0]!, to: flags.to, template: flags.template, vars: vars || undefined, description }),
            ctx,
          ),
        );
        return true;
      case 'pause':
      case 'resume': {
        if (positional.length !== 1) return this.usage(`${command.toLowerCase()} <task-id>`);
        const run = command.toLowerCase() === 'pause' ? commands.pause.bind(commands) : commands.resume.bind(commands);
        this.print(renderPlain(await run(ctx, { task: positional[0]! }), ctx));
        return true;
      }
      case 'history':
        this.print(renderPlain(await commands.history(ctx, { limit: positional[0] ? Number(positional[0]) : undefined }), ctx));
        return true;
      case 'reschedule':
        if (positional.length < 2) return this.usage('reschedule <task-id> "<when>"');
        this.print(renderPlain(await commands.reschedule(ctx, { task: positional[0]!, when: positional.slice(1).join(' ') }), ctx));
        return true;
      case 'templates':
        this.print(renderPlain(await commands.templates(ctx), ctx));
        return true;
      case 'template':
      case 'preview':
        await runTemplateCommand(command.toLowerCase() as 'template' | 'preview', args, {
          commands,
          context: () =>
            commands.contextFor({ userId: this.userId, guildId: this.options.templateServer ?? 'local', locale: this.locale, isServerAdmin: true }),
          print: (text) => this.print(text),
        });
        return true;
      case 'tz': {
        const result = positional[0] ? await commands.setTimeZone(ctx, { zone: positional[0] }) : await commands.showTimeZone(ctx);
        this.print(renderPlain(result, ctx));
        return true;
      }
      case 'lang':
        if (positional[0] !== 'en' && positional[0] !== 'ko') return this.usage('lang en|ko');
        this.locale = positional[0];
        this.print(`✔ ${this.locale}`);
        return true;
      case 'web':
        this.print(this.options.signInLink ? `Open this link to sign in to the dashboard (once, within 15 minutes):\n  ${this.options.signInLink()}` : 'The web dashboard is off (DASHBOARD_PORT=0).');
        return true;
      case 'user':
        if (!positional[0]) return this.usage('user <id>');
        this.userId = positional[0];
        this.print(`✔ ${this.userId}`);
        return true;
      default:
        this.print(`Unknown command "${command}". Type "help".`);
        return true;
    }
  }

  private usage(text: string): true {
    this.print(`Usage: ${text}`);
    return true;
  }

  private print(text: string): void {
    (this.options.output ?? process.stdout).write(`${text}\n`);
  }
}

/** Splits a line into words; "double" or 'single' quotes keep spaces. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** The options that take the next word as their value. */
const FLAGS = ['--repeat', '--until', '--to', '--template'] as const;
type Flag = (typeof FLAGS)[number] extends `--${infer Name}` ? Name : never;
const isFlag = (word: string): word is (typeof FLAGS)[number] => (FLAGS as readonly string[]).includes(word);

/**
 * name=value words become template variables, --repeat/--until/--to/--template take the next word,
 * -d starts the description (up to the next of those options), the rest stay positional.
 */
function splitArgs(args: string[]): { positional: string[]; vars: string; description?: string; flags: Partial<Record<Flag, string>> } {
  const positional: string[] = [];
  const vars: string[] = [];
  const flags: Partial<Record<Flag, string>> = {};
  let description: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (isFlag(word)) {
      flags[word.slice(2) as Flag] = args[i + 1] ?? '';
      i++;
      continue;
    }
    if (word === '-d' || word === '--description') {
      const rest = args.slice(i + 1);
      const end = rest.findIndex(isFlag);
      description = (end === -1 ? rest : rest.slice(0, end)).join(' ');
      if (end === -1) break;
      i += end;
      continue;
    }
    // Each word is one variable, so a ";" in its value is the value's, not a separator.
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) vars.push(escapeVariable(word));
    else positional.push(word);
  }
  return { positional, vars: vars.join(';'), description, flags };
}

/** "body=a;b" → "body=a\;b": the name as typed, the value escaped for parseVariables. */
function escapeVariable(word: string): string {
  const eq = word.indexOf('=');
  return `${word.slice(0, eq + 1)}${escapeVariableValue(word.slice(eq + 1))}`;
}
