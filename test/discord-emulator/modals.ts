/**
 * Modals: Discord's checks on a MODAL callback (type 9), the modal as the user sees it, and the
 * MODAL_SUBMIT components the user's client sends back. Text inputs may sit in legacy action rows
 * (type 1) or in Label components (type 18); labels may also hold a string select, and text
 * displays (type 10) may sit between them, as discord.js 14.28's ModalBuilder produces.
 */
import { Errors, formError } from './http-utils.js';

const ComponentType = { ActionRow: 1, StringSelect: 3, TextInput: 4, TextDisplay: 10, Label: 18 } as const;

/** Limits from Discord's component reference. */
const Limit = {
  customId: 100,
  title: 45,
  components: 5,
  label: 45,
  labelDescription: 100,
  textLength: 4000,
  placeholder: 100,
  selectPlaceholder: 150,
  selectOptions: 25,
  optionText: 100,
} as const;

/** One input of a modal, flattened out of its row or label. */
export interface ModalField {
  type: 'textInput' | 'stringSelect';
  customId: string;
  /** The label the user reads: the Label component's, or a legacy text input's own. */
  label: string;
  description?: string;
  /** Text inputs: 1 short, 2 paragraph. */
  style?: number;
  /** Discord's default is true. */
  required: boolean;
  minLength?: number;
  maxLength?: number;
  /** Pre-filled text (text inputs). */
  value?: string;
  placeholder?: string;
  /** String selects. */
  options?: { label: string; value: string; default: boolean }[];
  minValues?: number;
  maxValues?: number;
}

/** A modal the bot showed (callback type 9), as recorded on the interaction handle. */
export interface RecordedModal {
  customId: string;
  title: string;
  fields: ModalField[];
  /** Contents of text display components, in order. */
  texts: string[];
  /** The `data.components` the bot sent, with the ids Discord would have filled in. */
  components: Record<string, unknown>[];
}

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

const fail = (path: string, code: string, message: string): never => {
  throw Errors.invalidFormBody(formError(path, code, message));
};

function requireString(value: unknown, path: string, min: number, max: number): string {
  if (value === undefined || value === null) fail(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (typeof value !== 'string') fail(path, 'BASE_TYPE_STRING', 'Could not interpret "' + String(value) + '" as string.');
  checkLength(value as string, path, min, max);
  return value as string;
}

function optionalString(value: unknown, path: string, min: number, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(value, path, min, max);
}

function checkLength(value: string, path: string, min: number, max: number): void {
  if (value.length >= min && value.length <= max) return;
  if (min === 0) fail(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  fail(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
}

function optionalInt(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
  if ((value as number) < min) fail(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  if ((value as number) > max) fail(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
  return value as number;
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(path, 'BASE_TYPE_BOOLEAN', 'Must be either true or false.');
  return value as boolean;
}

function typeChoices(value: unknown, path: string, allowed: readonly number[]): never {
  return fail(path, 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${allowed.join(', ')}), got ${String(value)}.`);
}

function textInput(input: Obj, path: string, label: { text?: string; description?: string }): ModalField {
  const customId = requireString(input.custom_id, `${path}.custom_id`, 1, Limit.customId);
  const style = input.style;
  if (style !== 1 && style !== 2) {
    if (style === undefined) fail(`${path}.style`, 'BASE_TYPE_REQUIRED', 'This field is required');
    fail(`${path}.style`, 'BASE_TYPE_CHOICES', `Value must be one of (1, 2).`);
  }
  // Inside a Label the label comes from the Label; a legacy row's text input must carry its own.
  const ownLabel =
    label.text === undefined
      ? requireString(input.label, `${path}.label`, 1, Limit.label)
      : optionalString(input.label, `${path}.label`, 1, Limit.label);
  return {
    type: 'textInput',
    customId,
    label: label.text ?? ownLabel ?? '',
    description: label.description,
    style: style as number,
    required: optionalBoolean(input.required, `${path}.required`) ?? true,
    minLength: optionalInt(input.min_length, `${path}.min_length`, 0, Limit.textLength),
    maxLength: optionalInt(input.max_length, `${path}.max_length`, 1, Limit.textLength),
    value: optionalString(input.value, `${path}.value`, 0, Limit.textLength),
    placeholder: optionalString(input.placeholder, `${path}.placeholder`, 0, Limit.placeholder),
  };
}

function stringSelect(input: Obj, path: string, label: { text: string; description?: string }): ModalField {
  const customId = requireString(input.custom_id, `${path}.custom_id`, 1, Limit.customId);
  if (!Array.isArray(input.options)) fail(`${path}.options`, 'BASE_TYPE_REQUIRED', 'This field is required');
  const rawOptions = input.options as unknown[];
  if (rawOptions.length < 1 || rawOptions.length > Limit.selectOptions) {
    fail(`${path}.options`, 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limit.selectOptions} in length.`);
  }
  const options = rawOptions.map((option, i) => {
    const at = `${path}.options.${i}`;
    const o = isObject(option) ? option : {};
    return {
      label: requireString(o.label, `${at}.label`, 1, Limit.optionText),
      value: requireString(o.value, `${at}.value`, 1, Limit.optionText),
      default: optionalBoolean(o.default, `${at}.default`) ?? false,
    };
  });
  const minValues = optionalInt(input.min_values, `${path}.min_values`, 0, Limit.selectOptions);
  const maxValues = optionalInt(input.max_values, `${path}.max_values`, 1, Limit.selectOptions);
  optionalString(input.placeholder, `${path}.placeholder`, 0, Limit.selectPlaceholder);
  return {
    type: 'stringSelect',
    customId,
    label: label.text,
    description: label.description,
    required: optionalBoolean(input.required, `${path}.required`) ?? true,
    options,
    minValues,
    maxValues,
    placeholder: typeof input.placeholder === 'string' ? input.placeholder : undefined,
  };
}

/** Fills in missing component ids the way Discord does: sequentially, skipping ids already used. */
function assignIds(components: Obj[]): Obj[] {
  const used = new Set<number>();
  const visit = (component: Obj, fn: (c: Obj) => void) => {
    fn(component);
    if (Array.isArray(component.components)) for (const child of component.components) if (isObject(child)) visit(child, fn);
    if (isObject(component.component)) visit(component.component, fn);
  };
  for (const c of components) visit(c, (x) => typeof x.id === 'number' && x.id > 0 && used.add(x.id));
  let next = 1;
  const copy = structuredClone(components);
  for (const c of copy) {
    visit(c, (x) => {
      if (typeof x.id === 'number' && x.id > 0) return;
      while (used.has(next)) next++;
      x.id = next;
      used.add(next);
    });
  }
  return copy;
}

/**
 * Checks a MODAL callback's `data` like Discord (400 50035 with the field path on failure) and
 * returns the modal as the user sees it.
 */
export function parseModal(data: unknown): RecordedModal {
  const modal = isObject(data) ? data : {};
  const customId = requireString(modal.custom_id, 'data.custom_id', 1, Limit.customId);
  const title = requireString(modal.title, 'data.title', 1, Limit.title);
  if (!Array.isArray(modal.components)) fail('data.components', 'BASE_TYPE_REQUIRED', 'This field is required');
  const raw = modal.components as unknown[];
  if (raw.length < 1 || raw.length > Limit.components) {
    fail('data.components', 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limit.components} in length.`);
  }
  const fields: ModalField[] = [];
  const texts: string[] = [];
  const topLevel = [ComponentType.ActionRow, ComponentType.TextDisplay, ComponentType.Label] as const;
  raw.forEach((entry, i) => {
    const path = `data.components.${i}`;
    const component = isObject(entry) ? entry : {};
    switch (component.type) {
      case ComponentType.ActionRow: {
        const children = Array.isArray(component.components) ? (component.components as unknown[]) : [];
        if (children.length !== 1) fail(`${path}.components`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1 in length.');
        const child = isObject(children[0]) ? children[0] : {};
        // Modal action rows hold one text input; selects in modals go in a Label.
        if (child.type !== ComponentType.TextInput) typeChoices(child.type, `${path}.components.0.type`, [ComponentType.TextInput]);
        fields.push(textInput(child, `${path}.components.0`, {}));
        break;
      }
      case ComponentType.Label: {
        const text = requireString(component.label, `${path}.label`, 1, Limit.label);
        const description = optionalString(component.description, `${path}.description`, 1, Limit.labelDescription);
        if (!isObject(component.component)) fail(`${path}.component`, 'BASE_TYPE_REQUIRED', 'This field is required');
        const child = component.component as Obj;
        if (child.type === ComponentType.TextInput) fields.push(textInput(child, `${path}.component`, { text, description }));
        else if (child.type === ComponentType.StringSelect) fields.push(stringSelect(child, `${path}.component`, { text, description }));
        else if (typeof child.type === 'number' && [5, 6, 7, 8, 19, 21, 22, 23].includes(child.type)) {
          // Valid on Discord, but what a user submits for these needs resolved data the emulator does not build.
          throw new Error(`discord-emulator: component type ${child.type} inside a modal label is not emulated`);
        } else typeChoices(child.type, `${path}.component.type`, [3, 4, 5, 6, 7, 8, 19, 21, 22, 23]);
        break;
      }
      case ComponentType.TextDisplay:
        texts.push(requireString(component.content, `${path}.content`, 1, Limit.textLength));
        break;
      default:
        typeChoices(component.type, `${path}.type`, topLevel);
    }
  });
  const seen = new Set<string>();
  fields.forEach((field) => {
    if (seen.has(field.customId)) fail('data.components', 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    seen.add(field.customId);
  });
  return { customId, title, fields, texts, components: assignIds(raw as Obj[]) };
}

/** What a test submits: text by text input custom_id, chosen values by string select custom_id. */
export type ModalValues = Record<string, string | string[]>;

/**
 * The `data.components` of the MODAL_SUBMIT the user's client sends: the modal's layout with the
 * values filled in. Values the client would not let through (a required field left empty, text
 * outside min/max length, an option not on the list) throw, as a test asking for them is wrong.
 */
export function buildModalSubmitComponents(modal: RecordedModal, values: ModalValues): Obj[] {
  const known = new Set(modal.fields.map((f) => f.customId));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) throw new Error(`discord-emulator: modal "${modal.customId}" has no input "${key}" (inputs: ${[...known].join(', ')})`);
  }
  const answer = (input: Obj): Obj => {
    const field = modal.fields.find((f) => f.customId === input.custom_id) as ModalField;
    const given = values[field.customId];
    if (field.type === 'textInput') {
      if (Array.isArray(given)) throw new Error(`discord-emulator: text input "${field.customId}" takes a string`);
      const value = given ?? field.value ?? '';
      checkSubmittedText(field, value);
      return { type: ComponentType.TextInput, id: input.id, custom_id: field.customId, value };
    }
    const chosen = given === undefined ? (field.options ?? []).filter((o) => o.default).map((o) => o.value) : typeof given === 'string' ? [given] : given;
    checkSubmittedChoice(field, chosen);
    return { type: ComponentType.StringSelect, id: input.id, custom_id: field.customId, values: chosen };
  };
  return modal.components.map((component) => {
    if (component.type === ComponentType.ActionRow) {
      return { type: component.type, id: component.id, components: (component.components as Obj[]).map(answer) };
    }
    if (component.type === ComponentType.Label) return { type: component.type, id: component.id, component: answer(component.component as Obj) };
    return { type: component.type, id: component.id };
  });
}

function checkSubmittedText(field: ModalField, value: string): void {
  const refuse = (why: string): never => {
    throw new Error(`discord-emulator: Discord's client would not submit "${field.customId}" (${field.label}): ${why}`);
  };
  if (value.length === 0) {
    if (field.required) refuse('it is required and empty');
    return;
  }
  if (value.length > (field.maxLength ?? Limit.textLength)) refuse(`${value.length} characters, at most ${field.maxLength ?? Limit.textLength} allowed`);
  if (field.minLength !== undefined && value.length < field.minLength) refuse(`${value.length} characters, at least ${field.minLength} needed`);
  if (field.style === 1 && /[\r\n]/.test(value)) refuse('a short text input holds one line');
}

function checkSubmittedChoice(field: ModalField, chosen: string[]): void {
  const refuse = (why: string): never => {
    throw new Error(`discord-emulator: Discord's client would not submit "${field.customId}" (${field.label}): ${why}`);
  };
  const allowed = new Set((field.options ?? []).map((o) => o.value));
  for (const value of chosen) if (!allowed.has(value)) refuse(`"${value}" is not one of its options`);
  if (new Set(chosen).size !== chosen.length) refuse('a value is chosen twice');
  if (chosen.length === 0 && !field.required) return;
  const min = field.required ? Math.max(field.minValues ?? 1, 1) : (field.minValues ?? 1);
  const max = field.maxValues ?? 1;
  if (chosen.length < min) refuse(`${chosen.length} chosen, at least ${min} needed`);
  if (chosen.length > max) refuse(`${chosen.length} chosen, at most ${max} allowed`);
}
