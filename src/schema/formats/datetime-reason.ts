/**
 * Why a string is not a date, time or datetime, in the words pydantic reports (those of the
 * `speedate` crate pydantic-core parses with). Each function returns undefined when speedate's
 * RFC 3339 grammar would accept the text. Unix-timestamp strings, which speedate also accepts,
 * are not recognised here: zod rejects them, so they get the grammar's complaint.
 */

const TOO_SHORT = "input is too short";
const EXTRA = "unexpected extra characters at the end of the input";
const DATE_SEPARATOR = "invalid date separator, expected `-`";

function digits(text: string, start: number, count: number): number | undefined {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!(code >= 0x30 && code <= 0x39)) return undefined;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The `YYYY-MM-DD` part at the start of `text`. */
function datePartError(text: string): string | undefined {
  if (text.length < 10) return TOO_SHORT;
  const year = digits(text, 0, 4);
  if (year === undefined) return "invalid character in year";
  if (text[4] !== "-") return DATE_SEPARATOR;
  const month = digits(text, 5, 2);
  if (month === undefined) return "invalid character in month";
  if (text[7] !== "-") return DATE_SEPARATOR;
  const day = digits(text, 8, 2);
  if (day === undefined) return "invalid character in day";
  if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
  if (day < 1 || day > daysInMonth(year, month)) return "day value is outside expected range";
  return undefined;
}

/** A time starting at `start`, optionally followed by a timezone; returns an error or the end index. */
function timePart(text: string, start: number): string | number {
  if (text.length < start + 5) return TOO_SHORT;
  const hour = digits(text, start, 2);
  if (hour === undefined) return "invalid character in hour";
  if (text[start + 2] !== ":") return "invalid time separator, expected `:`";
  const minute = digits(text, start + 3, 2);
  if (minute === undefined) return "invalid character in minute";
  if (hour > 23) return "hour value is outside expected range of 0-23";
  if (minute > 59) return "minute value is outside expected range of 0-59";
  let at = start + 5;
  if (text[at] === ":") {
    if (text.length < at + 3) return TOO_SHORT;
    const second = digits(text, at + 1, 2);
    if (second === undefined) return "invalid character in second";
    if (second > 59) return "second value is outside expected range of 0-59";
    at += 3;
    if (text[at] === "." || text[at] === ",") {
      const first = at + 1;
      at = first;
      while (digits(text, at, 1) !== undefined) at++;
      if (at === first) return "invalid character in second fraction";
    }
  }
  if (at >= text.length) return at;
  const sign = text[at];
  if (sign === "Z" || sign === "z") return at + 1;
  if (sign !== "+" && sign !== "-") return "invalid timezone sign";
  const tzHour = digits(text, at + 1, 2);
  if (tzHour === undefined) return "invalid timezone hour";
  at += 3;
  if (text[at] === ":") at++;
  if (at < text.length) {
    const tzMinute = digits(text, at, 2);
    if (tzMinute === undefined) return "invalid timezone minute";
    if (tzMinute > 59) return "timezone minute value is outside expected range of 0-59";
    at += 2;
  }
  if (tzHour >= 24) return "timezone offset must be less than 24 hours";
  return at;
}

/**
 * speedate's `Date::parse_str` complaint.
 *
 * @example
 * dateParseError("2020/01/01") // "invalid date separator, expected `-`"
 */
export function dateParseError(text: string): string | undefined {
  return datePartError(text) ?? (text.length > 10 ? EXTRA : undefined);
}

/**
 * speedate's `DateTime::parse_str` complaint.
 *
 * @example
 * datetimeParseError("2020-01-01x10:00") // "invalid datetime separator, expected `T`, `t`, `_` or space"
 */
export function datetimeParseError(text: string): string | undefined {
  const dateError = datePartError(text);
  if (dateError) return dateError;
  const separator = text[10];
  if (separator !== "T" && separator !== "t" && separator !== " " && separator !== "_") {
    return "invalid datetime separator, expected `T`, `t`, `_` or space";
  }
  const end = timePart(text, 11);
  if (typeof end === "string") return end;
  return end < text.length ? EXTRA : undefined;
}

/**
 * speedate's `Time::parse_str` complaint.
 *
 * @example
 * timeParseError("25:00") // "hour value is outside expected range of 0-23"
 */
export function timeParseError(text: string): string | undefined {
  const end = timePart(text, 0);
  if (typeof end === "string") return end;
  return end < text.length ? EXTRA : undefined;
}
