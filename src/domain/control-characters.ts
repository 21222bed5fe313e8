// Control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F) have no place in what users type
// for Herald: PostgreSQL refuses U+0000 in text, and the rest can reshape a mail or a Discord
// message. They are refused with where they are, rather than stripped behind the user's back.

export interface ControlCharacter {
  /** "U+0000". */
  codePoint: string;
  /** 1-based, counted in characters as the user sees them. */
  position: number;
}

/** The first control character in `text` that is not in `allowed`. */
export function findControlCharacter(text: string, allowed: readonly string[] = []): ControlCharacter | undefined {
  let position = 0;
  for (const char of text) {
    position++;
    const code = char.codePointAt(0)!;
    const isControl = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
    if (isControl && !allowed.includes(char)) {
      return { codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, position };
    }
  }
  return undefined;
}
