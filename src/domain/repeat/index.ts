// Repeating reservations, the domain part (issue 11): read a `repeat` phrase and an `until` date,
// pin the cadence to its first run in the requester's zone, list and recognise its runs, describe
// it, and compile it to the ScheduleSpec of a Temporal Schedule. Pure functions, no I/O.
//
// USE
//   const repeat = parseRepeat(options.repeat, { locale });                 // HeraldError if unreadable
//   const until = options.until ? parseUntil(options.until, { now, zone }) : undefined;
//   const when = parseWhen(options.when, { now, zone }).instant;             // + the usual lead-time checks
//   const series = buildSeries({ repeat, start: when, zone, until }, config.repeat);
//   describeCadence(series, locale)   → "매주 월요일 09:00"; describeSeries adds the end (", 10회")
//   describePreview(series, now, locale) → "매주 월요일 09:00, 다음: …" for the autocomplete preview
//   nextRuns(series, now, 3)          → the confirmation's next three runs
//   toScheduleSpec(series)            → spec of client.schedule.create(...)
//   isRunInstant(series, scheduledAt) → in the action's run: false means "not a run, do nothing"
//   seriesToJson / seriesFromJson     → the series row's JSON column
//
// PHRASES (case, spacing and trailing punctuation do not matter; Korean spacing is free)
//   English: every day, daily, every other day, every 3 days; every weekday, weekdays, on weekdays,
//     every working/business day, mon-fri, monday to friday; every weekend; every monday, mondays,
//     on mondays, every mon and thu, every monday, wednesday and friday, every mon/wed/fri;
//     weekly, every week, every other week, every 2 weeks, biweekly, fortnightly (the weekday of the
//     first run), every other friday, every 2 weeks on friday, weekly on mon and thu,
//     friday every 2 weeks; monthly, every month, every 3 months, quarterly, bimonthly (= every 2
//     months), every month on the 1st / on day 15 / on the last day / on the first monday / on the
//     last friday, the 1st of every month, last day of each month, every first monday,
//     every last friday; yearly, annually, every year (= every 12 months on the first run's day);
//     every hour, hourly, every 3 hours, every 90 minutes, every half hour.
//   Korean: 매일, 날마다, 격일, 이틀마다, 3일마다; 평일, 평일마다, 매주 평일, 주중, 월~금,
//     월요일부터 금요일까지; 주말마다; 매주, 매주 월요일, 월요일마다, 매주 월,수 / 월·수·금 / 월수금,
//     매주 월요일과 목요일, 격주, 격주 금요일, 격주로 금요일, 2주마다 금요일, 2주에 한 번 금요일;
//     매월, 매달, 매월 1일, 매달 말일, 매월 마지막 날, 매월 15일마다, 매월 첫째 월요일,
//     매월 마지막 주 금요일, 3개월마다 1일, 격월, 분기마다; 매년, 해마다; 매시간, 3시간마다,
//     두 시간마다, 30분마다, 1시간 30분마다.
//   A run count may end either: "every monday, 10 times", "every day x5", "매주 월요일 10회", "매일 5번".
//   Locale order: Korean first for `ko`, English first otherwise; the first grammar that reads the
//   whole phrase wins. Refused with a precise code: a time of day in the phrase (REPEAT_HAS_TIME:
//   "every monday 9am" — the time comes from `when`), an end date in it (REPEAT_HAS_UNTIL), step 0 or
//   above 999 (REPEAT_INVALID_INTERVAL), day 0 or 32 (REPEAT_INVALID_DAY), "0 times"
//   (REPEAT_INVALID_COUNT), anything else (REPEAT_UNPARSEABLE). Deliberately not read: "every second
//   monday" (every other Monday in British use, the second Monday of the month in American),
//   "twice a week", "every weekday except friday", duration ends ("for 4 weeks").
//
// CADENCES
//   interval  every N minutes of elapsed time from the first run ("every 3 hours"); DST does not
//             shift it, so local times drift by the DST change. This is the only sub-daily cadence.
//   daily     every N days; weekly: every N ISO weeks (Monday to Sunday) on a set of weekdays;
//   monthly   every N calendar months on a day (29–31 fall back to a short month's last day, as
//             Outlook does), the last day, or the first/second/third/fourth/last weekday.
//   Steps count from the first run's date. Day-based runs are at the time of day of `when` in the
//   user's zone on every run date, with instantOfWallClock's DST rules: a time skipped by a
//   spring-forward gap moves forward by the gap, a doubled time means its first occurrence.
//
// THE FIRST RUN
//   `when` gives the earliest first run and the time of day (to the second; milliseconds are
//   dropped). The first run is the first date on or after when's local date that the cadence allows,
//   at that time: "every monday" with when = "tomorrow 9am" on a Wednesday starts next Monday 09:00.
//   Weekly and monthly phrases without a day take it from `when`.
//
// LIMITS (config: MIN_REPEAT_INTERVAL, MAX_REPEAT_DAYS; passed in as RepeatLimits, never read here)
//   REPEAT_TOO_OFTEN  when the cadence's shortest nominal gap is below MIN_REPEAT_INTERVAL (default
//                     1h). A calendar day counts as 24 h, so "every day" passes a 24h minimum although
//                     the spring-forward day's gap is 23 h.
//   REPEAT_TOO_LONG   when the series' last run would fall on a local date more than MAX_REPEAT_DAYS
//                     (default 366) after the first run's date: an `until` date beyond that, or a
//                     count that does not fit. A series with neither `until` nor a count ends there
//                     (end.kind = 'limit'), so every series is finite.
//   `until` is a date in the user's zone and includes that day's runs; `until` before the first run
//   is REPEAT_UNTIL_BEFORE_FIRST; `until` and a count together are REPEAT_BOTH_ENDS.
//
// TEMPORAL SCHEDULE (toScheduleSpec)
//   Temporal calendars match wall-clock fields literally (service/worker/scheduler/calendar.go): a
//   time in a DST gap does not fire that day (unless the gap keeps the hour, as Lord Howe's 30 min
//   do), a doubled time fires on both copies west of UTC but only on the second copy east of UTC
//   (Go's time.Date), and a calendar cannot say "every other week" or "the 31st or else the last
//   day". So the spec fires on candidates, a superset of the runs:
//     - a CalendarSpec with the candidate days (every day, the weekdays, the 28th–31st, …) at the time
//       of day, in the series' zone (months restricted when the monthly step divides 12);
//     - one single-shot IntervalSpec (period longer than the series, so it fires once inside
//       startAt..endAt) for every run within a day of a UTC-offset change, so gap-shifted and
//       first-copy runs fire exactly;
//     - interval cadences: one IntervalSpec that fires exactly on the runs.
//   startAt = first run, endAt = last run (count ends are compiled to endAt: do not use
//   remainingActions, which would count candidates). The Schedule's action must check
//   isRunInstant(series, TemporalScheduledStartTime) — the nominal time, also the suffix of the
//   started workflow id — and skip without side effects when it is false. Do it in an activity
//   (zone data can change between replays), not in workflow code. A manual trigger() is never a
//   run. The test against a real dev server (test/repeat-schedule.test.ts) shows
//   describe().info.nextActionTimes filtered by isRunInstant equal nextRuns.
//
// STORED FORM
//   seriesToJson keeps what defines a series (cadence, zone, time of day, first run, end);
//   seriesFromJson re-derives the last run and count without re-applying the limits.
export { parseRepeat, parseUntil, MAX_REPEAT_LENGTH, type ParsedRepeat } from './parse.js';
export {
  buildSeries,
  checkRule,
  firstRunDate,
  isRunInstant,
  nextRuns,
  nominalGapMs,
  seriesFromJson,
  seriesToJson,
  MAX_REPEAT_STEP,
  MAX_REPEAT_DAYS_CEILING,
  type SeriesJson,
  type SeriesRequest,
} from './series.js';
export { describeCadence, describeEnd, describePreview, describeSeries, formatTimeOfDay } from './describe.js';
export { toScheduleSpec } from './schedule-spec.js';
export { formatLocalDate, parseLocalDate } from './local-date.js';
export type {
  Cadence,
  CadenceKind,
  IsoWeekday,
  LocalDate,
  MonthDay,
  RepeatLimits,
  RepeatRequest,
  RepeatRule,
  RepeatSeries,
  SeriesEnd,
  TimeOfDay,
} from './types.js';
