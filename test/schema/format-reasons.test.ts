// The parser complaints pydantic puts in its uuid, date/time, URL and email messages, checked
// against outputs those parsers (uuid crate, speedate, url crate, email-validator) are known to give.
import { test } from "node:test";
import assert from "node:assert/strict";
import { uuidParseError } from "../../src/schema/formats/uuid-reason.js";
import { dateParseError, datetimeParseError, timeParseError } from "../../src/schema/formats/datetime-reason.js";
import { expectedSchemes, urlParseError } from "../../src/schema/formats/url-reason.js";
import { emailReason } from "../../src/schema/formats/email-reason.js";

const CHAR = "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found";

test("uuid: the uuid crate's complaints", () => {
  const table: [string, string | undefined][] = [
    ["invalid-uuid", `${CHAR} \`i\` at 1`],
    ["add-from-favorites", `${CHAR} \`r\` at 6`],
    ["aé", `${CHAR} \`é\` at 2`],
    ["0", "invalid length: expected length 32 for simple format, found 1"],
    ["", "invalid length: expected length 32 for simple format, found 0"],
    ["1234-5678", "invalid group count: expected 5, found 2"],
    ["12345678-123-1234-1234-123456789012", "invalid group length in group 1: expected 4, found 3"],
    ["12345678-1234-1234-1234-1234567890", "invalid group length in group 4: expected 12, found 10"],
    ["{12345678-1234-1234-1234-12345678901z}", `${CHAR} \`z\` at 37`],
    ["urn:uuid:x", `${CHAR} \`x\` at 10`],
    ["12345678-1234-1234-1234-123456789012", undefined],
    ["123456781234123412341234567890ab", undefined],
  ];
  for (const [input, expected] of table) assert.equal(uuidParseError(input), expected, input);
});

test("dates and datetimes: speedate's complaints", () => {
  assert.equal(dateParseError("2023A00.000+00:00"), "invalid date separator, expected `-`");
  assert.equal(dateParseError("2026/04/09"), "invalid date separator, expected `-`");
  assert.equal(dateParseError("04/09/2026"), "invalid character in year");
  assert.equal(dateParseError("2026-13-50"), "month value is outside expected range of 1-12");
  assert.equal(dateParseError("2023-02-29"), "day value is outside expected range");
  assert.equal(dateParseError("2024-02-29"), undefined);
  assert.equal(dateParseError("2024-0x-01"), "invalid character in month");
  assert.equal(dateParseError("2024-01-0x"), "invalid character in day");
  assert.equal(dateParseError("20200\ufffd0"), "input is too short");
  assert.equal(dateParseError("2024-01-01T00:00:00"), "unexpected extra characters at the end of the input");
  assert.equal(datetimeParseError("2024-01-01"), "invalid datetime separator, expected `T`, `t`, `_` or space");
  assert.equal(datetimeParseError("2024-01-01x10:00"), "invalid datetime separator, expected `T`, `t`, `_` or space");
  assert.equal(datetimeParseError("2024-01-01T1"), "input is too short");
  assert.equal(datetimeParseError("2024-01-01T25:00"), "hour value is outside expected range of 0-23");
  assert.equal(datetimeParseError("2024-01-01T10-00"), "invalid time separator, expected `:`");
  assert.equal(datetimeParseError("2024-01-01T10:61"), "minute value is outside expected range of 0-59");
  assert.equal(datetimeParseError("2024-01-01T10:00:6x"), "invalid character in second");
  assert.equal(datetimeParseError("2024-01-01T10:00:00.x"), "invalid character in second fraction");
  assert.equal(datetimeParseError("2024-01-01T10:00:00#"), "invalid timezone sign");
  assert.equal(datetimeParseError("2024-01-01T10:00:00+xx"), "invalid timezone hour");
  assert.equal(datetimeParseError("2024-01-01T10:00:00Zjunk"), "unexpected extra characters at the end of the input");
  assert.equal(datetimeParseError("2024-01-01T10:00:00.123+01:00"), undefined);
  assert.equal(datetimeParseError("2024-01-01 10:00Z"), undefined);
  assert.equal(timeParseError("25:00"), "hour value is outside expected range of 0-23");
  assert.equal(timeParseError("10:0"), "input is too short");
  assert.equal(timeParseError("10:00:00"), undefined);
});

test("urls: the url crate's complaints", () => {
  assert.equal(urlParseError(""), "input is empty");
  assert.equal(urlParseError("example.com"), "relative URL without a base");
  assert.equal(urlParseError("/path"), "relative URL without a base");
  assert.equal(urlParseError("http://"), "empty host");
  assert.equal(urlParseError("http://user@:80/"), "empty host");
  assert.equal(urlParseError("http://example.com:99999/"), "invalid port number");
  assert.equal(urlParseError("http://example.com:8x/"), "invalid port number");
  assert.equal(urlParseError("https://example.com/a?b#c"), undefined);
  assert.deepEqual(expectedSchemes(/^https?$/), ["http", "https"]);
  assert.deepEqual(expectedSchemes(/^wss?$/), ["ws", "wss"]);
});

test("emails: email-validator's complaints", () => {
  const table: [string, string][] = [
    ["not_a_valid_email", "An email address must have an @-sign."],
    ["", "An email address must have an @-sign."],
    ["a@", "There must be something after the @-sign."],
    ["@b.com", "There must be something before the @-sign."],
    ["a@b", "The part after the @-sign is not valid. It should have a period."],
    ["a b@c.com", "The email address contains invalid characters before the @-sign: SPACE."],
    ["a@@b.com", "The part after the @-sign contains invalid characters: '@'."],
    ["a@b..com", "An email address cannot have two periods in a row."],
    [".a@b.com", "An email address cannot start with a period."],
    ["a.@b.com", "An email address cannot have a period immediately before the @-sign."],
    ["a@-b.com", "An email address cannot have a hyphen immediately after the @-sign."],
    ["email@.com", "An email address cannot have a period immediately after the @-sign."],
    ["email@hotmail. com", "The part after the @-sign contains invalid characters: SPACE."],
  ];
  for (const [input, expected] of table) assert.equal(emailReason(input), expected, input);
});
