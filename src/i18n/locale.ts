export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** Discord sends locales such as "ko", "en-US", "en-GB": Korean for ko, English otherwise. */
export function localeFromTag(tag: string | null | undefined, fallback: Locale = 'en'): Locale {
  if (!tag) return fallback;
  return tag.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}
