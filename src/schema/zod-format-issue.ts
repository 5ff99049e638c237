import type { ValidationIssue } from "./types.js";
import { makeIssue, valueErrorIssue, type IssueScope } from "./issue.js";
import { pythonExpected } from "./python-repr.js";
import { unwrapZod, type ZodNode } from "./zod-node.js";
import type { Path, ZodIssue } from "./zod-issues.js";
import { emailReason } from "./formats/email-reason.js";
import { uuidParseError } from "./formats/uuid-reason.js";
import { expectedSchemes, urlParseError } from "./formats/url-reason.js";
import { dateParseError, datetimeParseError, timeParseError } from "./formats/datetime-reason.js";

/**
 * pydantic's error for a string that fails a zod format (zod's `invalid_format`): the error of
 * the pydantic type with that format (UUID, HttpUrl, EmailStr, datetime, IPv4Address...), with
 * the complaint its parser would give; `string_pattern_mismatch` for regex-like checks.
 *
 * @example
 * // z.url() given "example.com":
 * // { type: "url_parsing", msg: "Input should be a valid URL, relative URL without a base",
 * //   ctx: { error: "relative URL without a base" }, ... }
 */
export function formatIssue(issue: ZodIssue, target: ZodNode | undefined, value: unknown, path: Path, scope: IssueScope): ValidationIssue {
  const text = typeof value === "string" ? value : String(value);
  const def = target ? unwrapZod(target)._zod.def : undefined;
  switch (issue["format"]) {
    case "regex":
      return patternIssue(scope, path, value, stripRegexSlashes(String(issue["pattern"])));
    case "starts_with":
      return patternIssue(scope, path, value, `^${escapeRegex(String(issue["prefix"]))}`);
    case "ends_with":
      return patternIssue(scope, path, value, `${escapeRegex(String(issue["suffix"]))}$`);
    case "includes":
      return patternIssue(scope, path, value, escapeRegex(String(issue["includes"])));
    case "email": {
      const reason = emailReason(text);
      return makeIssue("value_error", scope, path, `value is not a valid email address: ${reason}`, value, { reason });
    }
    case "uuid":
    case "guid": {
      const error = uuidParseError(text);
      const version = typeof def?.version === "string" ? Number(def.version.replace(/^v/, "")) : NaN;
      if (error === undefined && Number.isInteger(version)) {
        return makeIssue("uuid_version", scope, path, `UUID version ${version} expected`, value, { expected_version: version });
      }
      const reason = error ?? "failed to parse a UUID";
      return makeIssue("uuid_parsing", scope, path, `Input should be a valid UUID, ${reason}`, value, { error: reason });
    }
    case "url": {
      const error = urlParseError(text);
      if (error === undefined && def?.protocol instanceof RegExp) {
        const scheme = text.slice(0, text.indexOf(":"));
        const schemes = expectedSchemes(def.protocol);
        if (schemes.length > 0 && !schemes.includes(scheme.toLowerCase())) {
          const expected = pythonExpected(schemes);
          return makeIssue("url_scheme", scope, path, `URL scheme should be ${expected}`, value, { expected_schemes: expected });
        }
      }
      const reason = error ?? "invalid domain character";
      return makeIssue("url_parsing", scope, path, `Input should be a valid URL, ${reason}`, value, { error: reason });
    }
    case "datetime": {
      // pydantic tries a datetime, then a date, and reports the date parser's complaint.
      const reason = dateParseError(text) ?? datetimeParseError(text) ?? issue.message;
      return makeIssue("datetime_from_date_parsing", scope, path, `Input should be a valid datetime or date, ${reason}`, value, { error: reason });
    }
    case "date": {
      const reason = datetimeParseError(text);
      if (reason === undefined) {
        return makeIssue("date_from_datetime_inexact", scope, path, "Datetimes provided to dates should have zero time - e.g. be exact dates", value);
      }
      return makeIssue("date_from_datetime_parsing", scope, path, `Input should be a valid date or datetime, ${reason}`, value, { error: reason });
    }
    case "time": {
      const reason = timeParseError(text) ?? issue.message;
      return makeIssue("time_parsing", scope, path, `Input should be in a valid time format, ${reason}`, value, { error: reason });
    }
    case "ipv4":
      return makeIssue("ip_v4_address", scope, path, "Input is not a valid IPv4 address", value);
    case "ipv6":
      return makeIssue("ip_v6_address", scope, path, "Input is not a valid IPv6 address", value);
    case "cidrv4":
      return makeIssue("ip_v4_network", scope, path, "Input is not a valid IPv4 network", value);
    case "cidrv6":
      return makeIssue("ip_v6_network", scope, path, "Input is not a valid IPv6 network", value);
    default:
      if (typeof issue["pattern"] === "string") return patternIssue(scope, path, value, stripRegexSlashes(issue["pattern"]));
      return valueErrorIssue(scope, path, issue.message, value);
  }
}

function patternIssue(scope: IssueScope, path: Path, value: unknown, pattern: string): ValidationIssue {
  return makeIssue("string_pattern_mismatch", scope, path, `String should match pattern '${pattern}'`, value, { pattern });
}

/** zod reports a pattern as the regex literal (`/^a+$/i`); pydantic as its source (`^a+$`). */
function stripRegexSlashes(literal: string): string {
  const end = literal.lastIndexOf("/");
  return literal.startsWith("/") && end > 0 ? literal.slice(1, end) : literal;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
