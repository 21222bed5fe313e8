// Every length, list size and cap Herald enforces, in one place. The service checks them, the
// Discord option builders declare them to Discord, and the help texts quote them from here.

/** A task's description (required for reservations). */
export const MAX_DESCRIPTION_LENGTH = 200;

/** A "when" as typed: "tomorrow 9am", "in 2 hours", "2026-12-01 09:00". */
export const MAX_WHEN_LENGTH = 100;

/** A reservation must be due at least this far after the moment it is made or moved… */
export const MIN_LEAD_MS = 60_000;
/** …and at most this many days ahead. */
export const MAX_LEAD_DAYS = 366;

/** Reservations one listing (one page of /reserved) shows at most, and by default. */
export const MAX_LIST_LIMIT = 25;
export const DEFAULT_LIST_LIMIT = 10;
/** Where a page of a listing may start: far beyond any list a user can have open. */
export const MAX_LIST_OFFSET = 100_000;

/** The hourly limits count the recipients of the tasks made in this rolling window. */
export const RATE_WINDOW_MS = 3_600_000;
/** Recipients (mails) one user may request per rolling hour (MAILS_PER_HOUR), by default. */
export const DEFAULT_MAILS_PER_HOUR = 20;
/** Recipients all users together may request per rolling hour (MAILS_PER_HOUR_TOTAL), by default. */
export const DEFAULT_MAILS_PER_HOUR_TOTAL = 500;
/** Open tasks one user may have at once (MAX_OPEN_RESERVATIONS), by default. */
export const DEFAULT_MAX_OPEN_RESERVATIONS = 25;
/** The most any of the three may be set to. */
export const MAX_CONFIGURABLE_LIMIT = 10_000_000;

/**
 * How long the worker trusts "the requester is a member of the server" before asking Discord
 * again: the mails of one burst share one answer, and a member who left is noticed within this.
 */
export const MEMBERSHIP_CACHE_MS = 60_000;
/** A membership check that takes longer than this is given up on (the mail goes out; see membership.ts). */
export const MEMBERSHIP_CHECK_TIMEOUT_MS = 5_000;

/** Recipients of one mail, after removing repeats. */
export const MAX_RECIPIENTS = 10;
/** The recipient list as typed, before it is split. */
export const MAX_RECIPIENTS_INPUT_LENGTH = 2_000;

/** Template variables in one request. */
export const MAX_VARIABLES = 20;
/** A variable's name. */
export const MAX_VARIABLE_NAME_LENGTH = 40;
/** A variable's value. */
export const MAX_VARIABLE_LENGTH = 2_000;

/** A task's error as stored for operators (the SMTP reply, or why the workflow could not start). */
export const MAX_ERROR_LENGTH = 500;

/** A `repeat` phrase ("every monday", "매주 월요일") or an `until` date as typed. */
export const MAX_REPEAT_LENGTH = 100;
/** The step of a cadence ("every N days/weeks/months"). */
export const MAX_REPEAT_STEP = 999;

/** An IANA time-zone name as typed (the longest real one has 32 characters). */
export const MAX_TIME_ZONE_LENGTH = 64;

/**
 * What the Discord options accept. Discord enforces these in its client before anything reaches
 * Herald, so they are a little tighter than the service's own checks above.
 */
export const DISCORD_OPTION_MAX_LENGTH = {
  to: 1_000,
  vars: 4_000,
  description: MAX_DESCRIPTION_LENGTH,
  when: MAX_WHEN_LENGTH,
  zone: MAX_TIME_ZONE_LENGTH,
  repeat: MAX_REPEAT_LENGTH,
  until: MAX_REPEAT_LENGTH,
} as const;

/** Discord's own caps on what a bot sends back. */
/** All of an embed's text together: title, description, field names and values, footer. */
export const DISCORD_MAX_EMBED_LENGTH = 6_000;
export const DISCORD_MAX_EMBED_FIELDS = 25;
export const DISCORD_MAX_FOOTER_LENGTH = 2_048;
export const DISCORD_MAX_CUSTOM_ID_LENGTH = 100;
export const DISCORD_MAX_CHOICES = 25;
export const DISCORD_MAX_CHOICE_LENGTH = 100;
export const DISCORD_MAX_FIELD_NAME_LENGTH = 256;
export const DISCORD_MAX_FIELD_VALUE_LENGTH = 1_024;
export const DISCORD_MAX_EMBED_DESCRIPTION_LENGTH = 4_096;
/** Inputs (labelled components) in one modal: the most variables a form can ask for. */
export const DISCORD_MODAL_MAX_COMPONENTS = 5;
export const DISCORD_MODAL_TITLE_MAX_LENGTH = 45;
export const DISCORD_LABEL_MAX_LENGTH = 45;
/** What one modal text input holds: template bodies longer than this are edited from the console or the dashboard. */
export const DISCORD_TEXT_INPUT_MAX_LENGTH = 4_000;

// ---- Server templates (issue 12) ------------------------------------------------------------
// Variable limits (how many a mail may carry, how long a value may be) are the ones above,
// shared with the built-in templates.

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
/**
 * How long the Discord bot keeps a /sendmail or /reserve waiting for its variables form, and how
 * many such forms it keeps at once (the oldest goes first).
 */
export const VARS_FORM_TTL_MS = 30 * 60_000;
export const MAX_PENDING_VARS_FORMS = 1_000;

// ---- History (issue 11 /history, issue 13 dashboard) ---------------------------------------------
// A server's open tasks are a listing like /reserved (MAX_LIST_LIMIT a page).

/** Finished, failed and canceled tasks per page of a user's history (and the most /history shows). */
export const HISTORY_PAGE_SIZE = 20;
/** How many /history and the console's history show by default. */
export const DEFAULT_HISTORY_LIMIT = 10;
/** Pages of history one can go back (offset paging: deeper pages cost more). */
export const MAX_HISTORY_PAGES = 50;

// ---- Reliability (issue 9 §2) --------------------------------------------------------------

/**
 * Times one task may be rescheduled. Every move adds a signal and a read of the row to its
 * workflow's history, so this keeps each history bounded.
 */
export const MAX_RESCHEDULES = 20;
