// The console's template commands (issue 12): the same HeraldCommands as /template and /preview,
// with bodies read from files (a Discord form holds 4,000 characters; a body may have 20,000).
//   template list | show <name> | delete <name>
//   template create <name> --lang ko --subject "…" --text-file path [--html-file path]
//   template edit <name> --lang ko [--subject "…"] [--text-file path] [--html-file path | --no-html]
//   preview <template> [name=value ...] [--lang ko]
// The console has no Discord server. Its templates are those of the one server a Herald without
// Discord has (src/app/local-server.ts), which the dashboard in console mode shows as "This
// computer"; the console acts there as its admin.
import { readFile, stat } from 'node:fs/promises';
import type { CommandContext, HeraldCommands } from '../app/commands.js';
import { MAX_TEMPLATE_BODY_LENGTH } from '../domain/limits.js';
import { errorMessage, type FileProblem } from '../i18n/messages.js';
import type { TemplateDraft } from '../mail/server-template-service.js';
import { escapeVariableValue } from '../mail/templates.js';
import { renderTemplatePlain } from './template-render.js';

export const TEMPLATE_HELP = `  template list                templates of this computer's server and the built-in ones
  template show <name>         one template with its languages and who changed it when
  template create <name> --lang ko --subject "…" --text-file <path> [--html-file <path>]
  template edit <name> --lang ko [--subject "…"] [--text-file <path>] [--html-file <path> | --no-html]
                               bodies come from UTF-8 files, up to ${MAX_TEMPLATE_BODY_LENGTH} characters
  template delete <name>       reservations made with it still go out
  preview <template> [name=value ...] [--lang ko]
                               renders a template; nothing is stored or sent`;

const USAGE = {
  template: 'template list|show|create|edit|delete …',
  create: 'template create <name> --lang en|ko --subject "…" --text-file <path> [--html-file <path>]',
  edit: 'template edit <name> --lang en|ko [--subject "…"] [--text-file <path>] [--html-file <path> | --no-html]',
  show: 'template show <name>',
  delete: 'template delete <name>',
  preview: 'preview <template> [name=value ...] [--lang en|ko]',
};

/** Flags that take a value, and the ones that do not. */
const VALUE_FLAGS = ['--lang', '--subject', '--text-file', '--html-file'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

interface Parsed {
  positional: string[];
  flags: Partial<Record<ValueFlag, string>>;
  noHtml: boolean;
  vars: string[];
}

/** What the caller's line asked for, or the usage line to print. */
function parse(words: string[], allowed: readonly ValueFlag[], usage: string): Parsed | string {
  const parsed: Parsed = { positional: [], flags: {}, noHtml: false, vars: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--no-html' && allowed.includes('--html-file')) parsed.noHtml = true;
    else if ((VALUE_FLAGS as readonly string[]).includes(word)) {
      const value = words[++i];
      if (!allowed.includes(word as ValueFlag) || value === undefined) return usage;
      parsed.flags[word as ValueFlag] = value;
    } else if (word.startsWith('--')) return usage;
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) parsed.vars.push(word);
    else parsed.positional.push(word);
  }
  return parsed;
}

export interface TemplateConsole {
  commands: HeraldCommands;
  /** The caller in this computer's server, as its admin. */
  context(): Promise<CommandContext>;
  print(text: string): void;
}

/** `template …` and `preview …`; prints the answer. */
export async function runTemplateCommand(command: 'template' | 'preview', words: string[], io: TemplateConsole): Promise<void> {
  const ctx = await io.context();
  const { commands } = io;
  const usage = (text: string) => io.print(`Usage: ${text}`);
  if (command === 'preview') {
    const parsed = parse(words, ['--lang'], USAGE.preview);
    if (typeof parsed === 'string' || parsed.positional.length !== 1) return usage(USAGE.preview);
    // Each word is one variable, so a ";" in its value is the value's.
    const values = parsed.vars.map((w) => `${w.slice(0, w.indexOf('=') + 1)}${escapeVariableValue(w.slice(w.indexOf('=') + 1))}`).join(';');
    const result = await commands.templatePreview(ctx, { name: parsed.positional[0]!, values, language: parsed.flags['--lang'] });
    return io.print(renderTemplatePlain(result, ctx));
  }
  const [sub, ...rest] = words;
  switch (sub) {
    case 'list':
      return io.print(renderTemplatePlain(await commands.templateList(ctx), ctx));
    case 'show':
    case 'delete': {
      if (rest.length !== 1) return usage(USAGE[sub]);
      const result = sub === 'show' ? await commands.templateShow(ctx, { name: rest[0]! }) : await commands.templateDelete(ctx, { name: rest[0]! });
      return io.print(renderTemplatePlain(result, ctx));
    }
    case 'create':
    case 'edit': {
      const parsed = parse(rest, VALUE_FLAGS, USAGE[sub]);
      if (typeof parsed === 'string' || parsed.positional.length !== 1 || parsed.vars.length > 0) return usage(USAGE[sub]);
      const name = parsed.positional[0]!;
      const language = parsed.flags['--lang'] ?? ctx.locale;
      if (sub === 'create' && (parsed.flags['--subject'] === undefined || parsed.flags['--text-file'] === undefined)) return usage(USAGE.create);
      const files = await readParts(parsed, ctx);
      if (typeof files === 'string') return io.print(`✖ ${files}`);
      let base: Partial<TemplateDraft> = {};
      if (sub === 'edit') {
        // What is not given stays as the current version has it.
        const found = await commands.templateForEdit(ctx, { name });
        if (found.kind === 'error') return io.print(renderTemplatePlain(found, ctx));
        if (found.kind === 'template' && found.template.source === 'server') {
          base = found.template.languages.find((l) => l.language === language) ?? {};
        }
      }
      const draft: TemplateDraft = {
        language,
        subject: parsed.flags['--subject'] ?? base.subject ?? '',
        text: files.text ?? base.text ?? '',
        html: parsed.noHtml ? null : (files.html ?? base.html ?? null),
      };
      const result = sub === 'create' ? await commands.templateCreate(ctx, { name, draft }) : await commands.templateEdit(ctx, { name, draft });
      return io.print(renderTemplatePlain(result, ctx));
    }
    default:
      return usage(USAGE.template);
  }
}

/** The bodies named by --text-file and --html-file, or why one cannot be read (nothing is changed then). */
async function readParts(parsed: Parsed, ctx: CommandContext): Promise<{ text?: string; html?: string } | string> {
  const parts: { text?: string; html?: string } = {};
  for (const [part, flag] of [['text', '--text-file'], ['html', '--html-file']] as const) {
    const path = parsed.flags[flag];
    if (path === undefined) continue;
    const read = await readTemplateFile(path);
    if (read.kind === 'too-large') return errorMessage(ctx.locale, 'TEMPLATE_FILE_TOO_LARGE', { path, max: MAX_TEMPLATE_BODY_LENGTH });
    if (read.kind === 'problem') return errorMessage(ctx.locale, 'TEMPLATE_FILE_UNREADABLE', { path, reason: read.reason });
    parts[part] = read.text;
  }
  return parts;
}

type ReadFile = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'problem'; reason: FileProblem };

/**
 * A template body from a UTF-8 file. A file too large to be a body (over four bytes a character)
 * is refused before it is read; the exact length is the core's to check.
 */
export async function readTemplateFile(path: string): Promise<ReadFile> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { kind: 'problem', reason: 'not-a-file' };
    if (info.size > MAX_TEMPLATE_BODY_LENGTH * 4) return { kind: 'too-large' };
    const bytes = await readFile(path);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { kind: 'ok', text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof TypeError) return { kind: 'problem', reason: 'not-utf8' };
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'problem', reason: 'missing' };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'problem', reason: 'denied' };
    if (code === 'EISDIR') return { kind: 'problem', reason: 'not-a-file' };
    return { kind: 'problem', reason: 'other' };
  }
}
