/**
 * The subset of Discord's request validation that catches real bot bugs:
 * message limits, autocomplete choices and application command shapes.
 * Violations become 400 `{ code: 50035, message: 'Invalid Form Body', errors }`.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import { ApiError, Errors, formError } from './http-utils.js';
import type { CommandInput, MessageBody, UploadedFile } from './payloads.js';

/** Discord's default upload limit per file (a server's boosts raise it; the emulator's servers have none). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Attachments one message may carry. */
export const MAX_ATTACHMENTS = 10;
const MAX_ATTACHMENT_DESCRIPTION = 1024;

const fail = (path: string, code: string, message: string): never => {
  throw Errors.invalidFormBody(formError(path, code, message));
};

const prefixed = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

/** Checks message create/edit bodies (prefix `data` for interaction callbacks). */
export function validateMessageBody(body: MessageBody, prefix = ''): void {
  if (typeof body.content === 'string' && body.content.length > 2000) {
    fail(prefixed(prefix, 'content'), 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) fail(prefixed(prefix, 'embeds'), 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = prefixed(prefix, `embeds.${i}`);
    if ((embed.title?.length ?? 0) > 256) fail(`${at}.title`, 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if ((embed.description?.length ?? 0) > 4096) fail(`${at}.description`, 'BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    if ((embed.fields?.length ?? 0) > 25) fail(`${at}.fields`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    embed.fields?.forEach((field, j) => {
      if (!field.name || field.name.length > 256) fail(`${at}.fields.${j}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 256 in length.');
      if (!field.value || field.value.length > 1024) fail(`${at}.fields.${j}.value`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1024 in length.');
      total += field.name.length + field.value.length;
    });
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  });
  if (total > 6000) fail(prefixed(prefix, 'embeds'), 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  if ((body.components?.length ?? 0) > 5 && ((body.flags ?? 0) & (1 << 15)) === 0) {
    fail(prefixed(prefix, 'components'), 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  }
  validateActionRows(body.components ?? [], prefixed(prefix, 'components'));
}

const BUTTON_LABEL_MAX = 80;
const SELECT_TYPES = [3, 5, 6, 7, 8];

/** Buttons and selects in action rows: row width, custom ids (present, 1–100, unique), link buttons' urls, labels. */
function validateActionRows(components: unknown[], path: string): void {
  const customIds = new Set<string>();
  const checkCustomId = (value: unknown, at: string) => {
    if (typeof value !== 'string' || value.length < 1 || value.length > 100) fail(at, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    if (customIds.has(value as string)) fail(at, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    customIds.add(value as string);
  };
  components.forEach((row, i) => {
    const r = row as { type?: unknown; components?: unknown };
    if (r?.type !== 1 || !Array.isArray(r.components)) return; // components V2 layouts are not checked here
    const children = r.components as Record<string, unknown>[];
    const at = `${path}.${i}.components`;
    if (children.length < 1 || children.length > 5) fail(at, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
    if (children.length > 1 && children.some((c) => SELECT_TYPES.includes(c.type as number))) {
      fail(at, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((child, j) => {
      const c = `${at}.${j}`;
      if (SELECT_TYPES.includes(child.type as number)) checkCustomId(child.custom_id, `${c}.custom_id`);
      if (child.type !== 2) return;
      const style = child.style;
      if (typeof style !== 'number' || style < 1 || style > 6) fail(`${c}.style`, 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6).');
      if (style === 5) {
        if (typeof child.url !== 'string' || child.url.length === 0) fail(`${c}.url`, 'BASE_TYPE_REQUIRED', 'This field is required');
      } else if (style !== 6) checkCustomId(child.custom_id, `${c}.custom_id`);
      if (typeof child.label === 'string' && child.label.length > BUTTON_LABEL_MAX) {
        fail(`${c}.label`, 'BASE_TYPE_MAX_LENGTH', `Must be ${BUTTON_LABEL_MAX} or fewer in length.`);
      }
    });
  });
}

/**
 * Checks a message request's uploads (multipart `files[n]`) against its `attachments` metadata,
 * as Discord does: each entry names an upload by its index n or an attachment the message already
 * has (edits keep only those listed); at most MAX_ATTACHMENTS in all; each file at most
 * MAX_UPLOAD_BYTES (413, 40005). `existing`: the message's attachments, for an edit.
 */
export function validateUploads(body: MessageBody, files: readonly UploadedFile[], existing: readonly APIAttachment[] = [], prefix = ''): void {
  const at = (key: string) => prefixed(prefix, key);
  const uploads = new Map<string, UploadedFile>();
  files.forEach((file, i) => {
    const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? (file.field === 'file' ? '0' : undefined);
    if (index === undefined) fail(`files.${i}`, 'FILE_FIELD_NAME_INVALID', `Form field "${file.field}" is not files[n]`);
    if (uploads.has(index!)) fail(`files.${i}`, 'FILE_FIELD_NAME_DUPLICATED', `files[${index}] is given twice`);
    uploads.set(index!, file);
    if (file.data.length > MAX_UPLOAD_BYTES) throw new ApiError(413, 40005, 'Request entity too large');
  });
  const described = body.attachments ?? [];
  if (!Array.isArray(described)) fail(at('attachments'), 'BASE_TYPE_ARRAY', 'Must be an array');
  const existingIds = new Set(existing.map((a) => a.id));
  const seen = new Set<string>();
  let kept = 0;
  described.forEach((entry, i) => {
    const id = entry?.id === undefined || entry.id === null ? undefined : String(entry.id);
    if (id === undefined) fail(at(`attachments.${i}.id`), 'BASE_TYPE_REQUIRED', 'This field is required');
    if (seen.has(id!)) fail(at(`attachments.${i}.id`), 'ATTACHMENT_ID_DUPLICATED', 'Attachment ids must be unique');
    seen.add(id!);
    if (!uploads.has(id!)) {
      if (!existingIds.has(id!)) fail(at(`attachments.${i}.id`), 'ATTACHMENT_NOT_FOUND', `No upload files[${id}] and no attachment ${id} on the message`);
      kept++;
    }
    if ((entry.description?.length ?? 0) > MAX_ATTACHMENT_DESCRIPTION) {
      fail(at(`attachments.${i}.description`), 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENT_DESCRIPTION} or fewer in length.`);
    }
  });
  // Without `attachments`, an edit keeps what the message has.
  const total = files.length + (body.attachments === undefined || body.attachments === null ? existing.length : kept);
  if (total > MAX_ATTACHMENTS) fail(at('attachments'), 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENTS} or fewer in length.`);
}

export function validateAutocompleteChoices(data: unknown): void {
  const choices = (data as { choices?: unknown } | undefined)?.choices;
  if (!Array.isArray(choices)) fail('data.choices', 'BASE_TYPE_REQUIRED', 'This field is required');
  const list = choices as { name?: unknown; value?: unknown }[];
  if (list.length > 25) fail('data.choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  list.forEach((choice, i) => {
    if (typeof choice.name !== 'string' || choice.name.length < 1 || choice.name.length > 100) {
      fail(`data.choices.${i}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    if (typeof choice.value === 'string' && choice.value.length > 100) {
      fail(`data.choices.${i}.value`, 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    }
  });
}

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface OptionLike {
  type?: number;
  name?: string;
  name_localizations?: Record<string, string> | null;
  description?: string;
  description_localizations?: Record<string, string> | null;
  required?: boolean;
  choices?: { name?: unknown; name_localizations?: Record<string, string> | null; value?: unknown }[];
  options?: OptionLike[];
  autocomplete?: boolean;
  min_length?: number;
  max_length?: number;
}

const STRING_OPTION = 3;
/** Discord's bounds for a string option's min_length and max_length. */
const OPTION_LENGTH_MAX = 6000;

/** Localized names follow the name rules and localized descriptions the description rules. */
function validateLocalizations(item: OptionLike | CommandInput, path: string, chatInput: boolean): void {
  const { name_localizations: names, description_localizations: descriptions } = item as OptionLike;
  for (const [locale, name] of Object.entries(names ?? {})) validateName(name, `${path}.name_localizations.${locale}`, chatInput);
  for (const [locale, description] of Object.entries(descriptions ?? {})) validateDescription(description, `${path}.description_localizations.${locale}`);
}

function validateName(name: unknown, path: string, chatInput: boolean): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    fail(path, 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid`);
  }
  if (chatInput && (name as string) !== (name as string).toLowerCase()) {
    fail(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid (must be lowercase)');
  }
}

function validateDescription(description: unknown, path: string): void {
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    fail(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
}

/** `parent`: 1 inside a sub-command, 2 inside a group, undefined at the top. */
function validateOptions(options: OptionLike[], path: string, parent?: number): void {
  if (options.length > 25) fail(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const names = new Set<string>();
  let seenOptional = false;
  // Sub-commands and groups cannot sit beside plain options, nor inside a sub-command; groups hold sub-commands only.
  const containers = options.filter((o) => o.type === 1 || o.type === 2).length;
  if (containers > 0 && containers < options.length) {
    fail(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
  }
  options.forEach((option, i) => {
    const at = `${path}.${i}`;
    validateName(option.name, `${at}.name`, true);
    validateDescription(option.description, `${at}.description`);
    validateLocalizations(option, at, true);
    if (names.has(option.name as string)) fail(`${at}.name`, 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists');
    names.add(option.name as string);
    if ((parent === 1 && (option.type === 1 || option.type === 2)) || (parent === 2 && option.type !== 1)) {
      fail(`${at}.type`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'This option type cannot be nested here');
    }
    if ((option.choices?.length ?? 0) > 25) fail(`${at}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    option.choices?.forEach((choice, j) => {
      if (typeof choice.name !== 'string' || choice.name.length < 1 || choice.name.length > 100) {
        fail(`${at}.choices.${j}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
      for (const [locale, name] of Object.entries(choice.name_localizations ?? {})) {
        if (name.length < 1 || name.length > 100) fail(`${at}.choices.${j}.name_localizations.${locale}`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
      if (typeof choice.value === 'string' && (choice.value.length < 1 || choice.value.length > 100)) {
        fail(`${at}.choices.${j}.value`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
    });
    if (option.autocomplete && (option.choices?.length ?? 0) > 0) {
      fail(`${at}.autocomplete`, 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES', 'Autocomplete cannot be used with choices');
    }
    for (const bound of ['min_length', 'max_length'] as const) {
      const value = option[bound];
      if (value === undefined) continue;
      if (option.type !== STRING_OPTION) fail(`${at}.${bound}`, 'APPLICATION_COMMAND_OPTION_INVALID', `${bound} applies to string options only`);
      const min = bound === 'min_length' ? 0 : 1;
      if (!Number.isInteger(value) || value < min || value > OPTION_LENGTH_MAX) {
        fail(`${at}.${bound}`, bound === 'min_length' ? 'NUMBER_TYPE_MIN' : 'NUMBER_TYPE_MAX', `Must be between ${min} and ${OPTION_LENGTH_MAX}.`);
      }
    }
    if (option.min_length !== undefined && option.max_length !== undefined && option.min_length > option.max_length) {
      fail(`${at}.min_length`, 'APPLICATION_COMMAND_OPTION_INVALID', 'min_length cannot be greater than max_length');
    }
    const isContainer = option.type === 1 || option.type === 2;
    if (isContainer) validateOptions(option.options ?? [], `${at}.options`, option.type);
    else if (option.required) {
      if (seenOptional) fail(`${at}.required`, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else seenOptional = true;
  });
}

/** Validates a bulk-overwrite list (or a single command when given a one-element list). */
export function validateCommands(commands: unknown): asserts commands is CommandInput[] {
  if (!Array.isArray(commands)) fail('_root', 'BASE_TYPE_ARRAY', 'Must be an array');
  const list = commands as (CommandInput & { options?: OptionLike[] })[];
  if (list.length > 100) fail('_root', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  const seen = new Set<string>();
  list.forEach((command, i) => {
    const type = command.type ?? 1;
    validateName(command.name, `${i}.name`, type === 1);
    if (type === 1) {
      validateDescription(command.description, `${i}.description`);
      validateLocalizations(command, String(i), true);
      validateOptions(command.options ?? [], `${i}.options`);
    }
    const key = `${type}:${command.name}`;
    if (seen.has(key)) fail(`${i}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
  });
}
