/**
 * Message components as a user meets them: what can be clicked on a message, and whether a click
 * or a choice a test asks for is one Discord's client would let the user make.
 */
import type { APIMessage } from 'discord-api-types/v10';
import { MessageFlag } from './payloads.js';
import type { EmulatorState } from './state.js';

const SELECT_TYPES = [3, 5, 6, 7, 8];

/** A button or select menu found on a message. */
export interface InteractiveComponent {
  /** 2 button, 3 string select, 5 user, 6 role, 7 mentionable, 8 channel select. */
  type: number;
  /** Absent on link (style 5) and premium (style 6) buttons. */
  customId?: string;
  label?: string;
  style?: number;
  disabled: boolean;
  url?: string;
  /** String selects. */
  options?: { label: string; value: string }[];
  minValues?: number;
  maxValues?: number;
}

type Obj = Record<string, unknown>;

/** Buttons and selects of a message, in reading order (action rows, sections' accessories, containers). */
export function interactiveComponents(message: Pick<APIMessage, 'components'>): InteractiveComponent[] {
  const found: InteractiveComponent[] = [];
  const visit = (component: Obj) => {
    if (component.type === 2 || SELECT_TYPES.includes(component.type as number)) {
      found.push({
        type: component.type as number,
        customId: component.custom_id as string | undefined,
        label: component.label as string | undefined,
        style: component.style as number | undefined,
        disabled: component.disabled === true,
        url: component.url as string | undefined,
        options: (component.options as { label: string; value: string }[] | undefined)?.map((o) => ({ label: o.label, value: o.value })),
        minValues: component.min_values as number | undefined,
        maxValues: component.max_values as number | undefined,
      });
    }
    for (const child of (component.components as Obj[] | undefined) ?? []) visit(child);
    if (component.accessory) visit(component.accessory as Obj);
  };
  for (const component of (message.components ?? []) as unknown as Obj[]) visit(component);
  return found;
}

/**
 * Throws when a user could not make this component interaction on the stored message `messageId`:
 * an ephemeral message shown to someone else, a component that is not there or is disabled, or
 * select values that are not among the options or outside min/max values.
 */
export function checkComponentUse(
  state: EmulatorState,
  messageId: string,
  userId: string,
  use: { customId: string; componentType: number; values?: string[] },
): void {
  const message = state.messages.get(messageId);
  if (!message) return; // resolving the source message reports unknown ids
  const refuse = (why: string): never => {
    throw new Error(`discord-emulator: user ${userId} cannot use "${use.customId}" on message ${messageId}: ${why}`);
  };
  const shownTo = (message as APIMessage & { interaction_metadata?: { user?: { id: string } } }).interaction_metadata?.user?.id;
  if (((message.flags ?? 0) & MessageFlag.Ephemeral) !== 0 && shownTo !== undefined && shownTo !== userId) {
    refuse(`the message is ephemeral and only user ${shownTo} sees it`);
  }
  const components = interactiveComponents(message);
  const component = components.find((c) => c.customId === use.customId);
  if (!component) {
    const ids = components.map((c) => c.customId).filter((id) => id !== undefined);
    return refuse(`the message has no such component (it has: ${ids.join(', ') || 'none'})`);
  }
  if (component.type !== use.componentType) refuse(`it is a component of type ${component.type}, not ${use.componentType}`);
  if (component.disabled) refuse('it is disabled');
  if (component.type === 3) {
    const values = use.values ?? [];
    const allowed = new Set((component.options ?? []).map((o) => o.value));
    const stray = values.filter((v) => !allowed.has(v));
    if (stray.length > 0) refuse(`${stray.join(', ')} not among its options`);
    const min = component.minValues ?? 1;
    const max = component.maxValues ?? 1;
    if (values.length < min || values.length > max) refuse(`${values.length} values chosen, it takes ${min} to ${max}`);
  }
}
