// The cadence model of a repeating reservation. See index.ts for how the pieces fit together.

/** ISO 8601 weekday, as luxon numbers it: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Which day of a month a monthly cadence runs on. */
export type MonthDay =
  /** Day 1–31. In a month too short for it (the 31st in April, the 30th in February) the run is on that month's last day. */
  | { kind: 'day'; day: number }
  /** The last day of every month (28, 29, 30 or 31). */
  | { kind: 'lastDay' }
  /** The nth (1–4) or the last given weekday of the month: "the first Monday", "the last Friday". */
  | { kind: 'weekday'; nth: 1 | 2 | 3 | 4 | 'last'; weekday: IsoWeekday };

/**
 * A cadence: how often a series runs. Every run of a day-based cadence (daily, weekly, monthly) is at
 * the series' local time of day in the series' zone; an `interval` cadence counts elapsed time.
 * `every` is the step in the cadence's own unit (2 = every other day/week/month), counted from the
 * first run: weeks are ISO weeks (Monday to Sunday), months are calendar months.
 */
export type Cadence =
  /** Every `minutes` of elapsed time from the first run ("every 3 hours"); DST does not move it. */
  | { kind: 'interval'; minutes: number }
  | { kind: 'daily'; every: number }
  /** `days` is sorted and has no duplicates; [1, 2, 3, 4, 5] is "every weekday". */
  | { kind: 'weekly'; every: number; days: readonly IsoWeekday[] }
  | { kind: 'monthly'; every: number; on: MonthDay };

export type CadenceKind = Cadence['kind'];

/**
 * A cadence as read from a phrase, before the first run is known: "weekly" and "every 2 weeks" leave
 * the weekday open, "monthly" leaves the day of the month open. buildSeries fills them in from the
 * first run (`when`).
 */
export type RepeatRule =
  | Extract<Cadence, { kind: 'interval' | 'daily' }>
  | { kind: 'weekly'; every: number; days?: readonly IsoWeekday[] }
  | { kind: 'monthly'; every: number; on?: MonthDay };

/** A repeat request: the rule plus, when the phrase gave one ("10 times", "10회"), a run count. */
export interface RepeatRequest {
  rule: RepeatRule;
  count?: number;
}

/** A calendar date with no zone: what "2027-03-01" means on the user's own calendar. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A local time of day; every run of a day-based cadence happens at it. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** How a series ends. `limit` is the implicit end of a series given neither until nor count. */
export type SeriesEnd =
  | { kind: 'until'; date: string }
  | { kind: 'count'; count: number }
  | { kind: 'limit'; date: string };

declare const seriesBrand: unique symbol;

/**
 * A validated repeating series. Only buildSeries and seriesFromJson make one (the brand stops
 * hand-built objects from reaching nextRuns, isRunInstant or toScheduleSpec unvalidated).
 * Instants are whole seconds.
 */
export interface RepeatSeries {
  readonly [seriesBrand]: true;
  readonly cadence: Cadence;
  /** The requester's IANA zone: the calendar every day-based run is read on. */
  readonly zone: string;
  /** Local time of day of the runs (for an interval cadence: of the first run, for display). */
  readonly timeOfDay: TimeOfDay;
  /** The first run. */
  readonly firstRun: Date;
  /** The last run: given by until or count, or the MAX_REPEAT_DAYS bound. */
  readonly lastRun: Date;
  readonly end: SeriesEnd;
  /** How many runs the series has in all, firstRun and lastRun included. */
  readonly runCount: number;
}

/** The limits a series is checked against; Config['repeat'] has this shape. */
export interface RepeatLimits {
  /** MIN_REPEAT_INTERVAL: the shortest nominal time between two runs, in ms. */
  minIntervalMs: number;
  /** MAX_REPEAT_DAYS: the last run's local date is at most this many days after the first run's. */
  maxDays: number;
}
