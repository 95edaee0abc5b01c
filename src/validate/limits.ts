/**
 * Comparing a value with an element's minValue[x]/maxValue[x] (R4 ElementDefinition.minValue[x]:
 * "the minimum allowed value for the element"). Dates, dateTimes and instants are compared as the
 * spans of time they stand for (FHIRPath §5.7 / datatypes "precision"): `2020` against `2020-01-01` is
 * neither less nor greater, a dateTime with an offset is compared at the instant it names.
 */

/** The span [start, end) in epoch ms that a date/dateTime/instant stands for; undefined when not one. */
export function temporalSpan(s: string): { start: number; end: number } | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  const year = Number(y);
  const offsetMs = !tz || tz === 'Z' ? 0 : (tz.startsWith('-') ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
  const utc = (yy: number, mm: number, dd = 1, hh = 0, mn = 0, ss = 0, ms = 0) => Date.UTC(yy, mm, dd, hh, mn, ss, ms) - offsetMs;
  if (mo === undefined) return { start: utc(year, 0), end: utc(year + 1, 0) };
  const month = Number(mo) - 1;
  if (d === undefined) return { start: utc(year, month), end: utc(year, month + 1) };
  const day = Number(d);
  if (h === undefined) return { start: utc(year, month, day), end: utc(year, month, day + 1) };
  if (sec === undefined) {
    const start = utc(year, month, day, Number(h), Number(mi));
    return { start, end: start + 60_000 };
  }
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  const start = utc(year, month, day, Number(h), Number(mi), Number(sec), ms);
  // a fraction's last digit bounds the span; whole seconds span one second
  const unit = frac ? Math.max(1, 10 ** (3 - Math.min(3, frac.length - 1))) : 1000;
  return { start, end: start + unit };
}

/**
 * -1 / 0 / 1 when `a` is definitely before, the same as, or after `b`; undefined when their spans
 * overlap without being equal (different precisions) or either is not a date/dateTime/instant.
 */
export function compareTemporal(a: string, b: string): number | undefined {
  const x = temporalSpan(a);
  const y = temporalSpan(b);
  if (!x || !y) return undefined;
  if (x.start === y.start && x.end === y.end) return 0;
  if (x.end <= y.start) return -1;
  if (x.start >= y.end) return 1;
  return undefined;
}

/** Compare an instance value with a limit: numbers by value, temporal values by span, other strings (time) by text. */
export function compareLimit(value: unknown, limit: unknown): number | undefined {
  if (typeof value === 'number' && typeof limit === 'number') return Math.sign(value - limit);
  if (typeof value === 'string' && typeof limit === 'string') {
    if (temporalSpan(value) || temporalSpan(limit)) return compareTemporal(value, limit);
    return value < limit ? -1 : value > limit ? 1 : 0;
  }
  return undefined;
}

/** UCUM time units a Duration limit may use, in ms; years and months move the calendar instead. */
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000, wk: 604_800_000 };

/**
 * A Duration limit on a date/dateTime/instant (R4 ElementDefinition.minValue[x]/maxValue[x]: "for the
 * date/dateTime/instant values, the type … SHALL be either the same, or a Duration which specifies a
 * relative time limit to the current time. The duration value is positive, and is subtracted from
 * [minValue] / added to [maxValue] the current clock"): the limit as an instant, or undefined when the
 * limit is not a Duration in UCUM time units (code, or unit when there is no code).
 */
export function relativeTemporalLimit(limit: unknown, direction: -1 | 1, now: Date = new Date()): string | undefined {
  if (!limit || typeof limit !== 'object') return undefined;
  const l = limit as Record<string, unknown>;
  const unit = typeof l.code === 'string' ? l.code : typeof l.unit === 'string' ? l.unit : undefined;
  if (typeof l.value !== 'number' || !Number.isFinite(l.value) || unit === undefined) return undefined;
  if (l.system !== undefined && l.system !== 'http://unitsofmeasure.org') return undefined;
  const at = new Date(now.getTime());
  const amount = direction * l.value;
  if (unit === 'a' && Number.isInteger(amount)) at.setUTCFullYear(at.getUTCFullYear() + amount);
  else if (unit === 'mo' && Number.isInteger(amount)) at.setUTCMonth(at.getUTCMonth() + amount);
  else if (unit === 'a') at.setTime(at.getTime() + amount * 365.25 * 86_400_000);
  else if (unit === 'mo') at.setTime(at.getTime() + amount * 30.4375 * 86_400_000);
  else if (DURATION_MS[unit] !== undefined) at.setTime(at.getTime() + amount * DURATION_MS[unit]!);
  else return undefined;
  return at.toISOString();
}
