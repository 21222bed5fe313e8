/**
 * The subset of Discord's request validation that catches real bot bugs:
 * message limits, autocomplete choices and application command shapes.
 * Violations become 400 `{ code: 50035, message: 'Invalid Form Body', errors }`.
 */
import { Errors, formError } from './http-utils.js';
import type { CommandInput, MessageBody } from './payloads.js';

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
  description?: string;
  required?: boolean;
  choices?: unknown[];
  options?: OptionLike[];
  autocomplete?: boolean;
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

function validateOptions(options: OptionLike[], path: string): void {
  if (options.length > 25) fail(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const names = new Set<string>();
  let seenOptional = false;
  options.forEach((option, i) => {
    const at = `${path}.${i}`;
    validateName(option.name, `${at}.name`, true);
    validateDescription(option.description, `${at}.description`);
    if (names.has(option.name as string)) fail(`${at}.name`, 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists');
    names.add(option.name as string);
    if ((option.choices?.length ?? 0) > 25) fail(`${at}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    if (option.autocomplete && (option.choices?.length ?? 0) > 0) {
      fail(`${at}.autocomplete`, 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES', 'Autocomplete cannot be used with choices');
    }
    const isContainer = option.type === 1 || option.type === 2;
    if (isContainer) validateOptions(option.options ?? [], `${at}.options`);
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
      validateOptions(command.options ?? [], `${i}.options`);
    }
    const key = `${type}:${command.name}`;
    if (seen.has(key)) fail(`${i}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
  });
}
