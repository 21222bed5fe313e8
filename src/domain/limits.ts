// Every length, size and count cap Herald enforces, in one place: the checks, the Discord option
// builders and the tests import them from here.

// ---- Server templates (issue 12) ------------------------------------------------------------
// Variable limits (how many a mail may carry, how long a value may be, the name rule) are
// MAX_VARIABLES, MAX_VARIABLE_LENGTH and VARIABLE_NAME in mail/templates.ts, shared with the
// built-in templates.

/** A server template's name: a lowercase letter, then lowercase letters, digits, "-" or "_". */
export const MAX_TEMPLATE_NAME_LENGTH = 32;
/** A template's subject source, one line. */
export const MAX_TEMPLATE_SUBJECT_LENGTH = 200;
/** A template's text or HTML body source. A Discord modal field holds 4,000; the console more. */
export const MAX_TEMPLATE_BODY_LENGTH = 20_000;
/**
 * `{{…}}` tags (including `{{/if}}`, `{{else}}` and comments) in one part. Handlebars' parser and
 * compiler slow down badly with many tags, and every tag is a place where a value of up to
 * MAX_VARIABLE_LENGTH characters can land; this keeps both small before anything is parsed.
 */
export const MAX_TEMPLATE_TAGS = 200;
/**
 * `{{#if}}` / `{{#unless}}` blocks inside each other. Handlebars' parser takes quadratic time in
 * the nesting depth (seconds at a thousand levels), so the depth is checked before parsing.
 */
export const MAX_TEMPLATE_NESTING = 8;
/** A rendered subject, after values are filled in and line breaks are taken out. */
export const MAX_RENDERED_SUBJECT_LENGTH = 500;
/** A rendered text or HTML part, after values are filled in (and escaped, in HTML). */
export const MAX_RENDERED_BODY_LENGTH = 100_000;
/** Live (not deleted) templates one server may have. */
export const MAX_SERVER_TEMPLATES = 50;
