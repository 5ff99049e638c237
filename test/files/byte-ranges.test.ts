import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideRange, MAX_RANGES } from "../../src/responses/byte-ranges.js";
import { contentDisposition } from "../../src/responses/content-disposition.js";
import { ifRangeAllows, isNotModified } from "../../src/responses/conditional.js";

describe("Range header decisions (RFC 9110 §14)", () => {
  const size = 1000;
  const ranges = (header: string) => {
    const d = decideRange(header, size);
    return d.kind === "ranges" ? d.ranges : d.kind;
  };

  it("first-last, open-ended and suffix ranges", () => {
    assert.deepEqual(ranges("bytes=0-99"), [{ start: 0, end: 99 }]);
    assert.deepEqual(ranges("bytes=990-"), [{ start: 990, end: 999 }]);
    assert.deepEqual(ranges("bytes=-10"), [{ start: 990, end: 999 }]);
    assert.deepEqual(ranges("bytes=-5000"), [{ start: 0, end: 999 }], "a suffix longer than the file is the whole file");
    assert.deepEqual(ranges("Bytes = 0-0"), [{ start: 0, end: 0 }], "unit is case-insensitive, spaces tolerated");
  });

  it("an end past the size is clamped, even when it overflows a double", () => {
    assert.deepEqual(ranges("bytes=10-5000"), [{ start: 10, end: 999 }]);
    assert.deepEqual(ranges("bytes=0-99999999999999999999999999"), [{ start: 0, end: 999 }]);
    assert.deepEqual(ranges(`bytes=0-${"9".repeat(400)}`), [{ start: 0, end: 999 }], "Infinity is clamped too");
    assert.deepEqual(ranges(`bytes=-${"9".repeat(400)}`), [{ start: 0, end: 999 }]);
  });

  it("ranges starting at or past the end are unsatisfiable (416)", () => {
    assert.equal(ranges("bytes=1000-"), "unsatisfiable");
    assert.equal(ranges("bytes=99999999999999999999-"), "unsatisfiable");
    assert.equal(ranges("bytes=2000-3000, 5000-"), "unsatisfiable");
    assert.equal(ranges("bytes=-0"), "unsatisfiable", "a zero-length suffix selects nothing");
    assert.equal(decideRange("bytes=0-", 0).kind, "unsatisfiable", "nothing is satisfiable in an empty file");
    assert.deepEqual(ranges("bytes=5000-, 0-1"), [{ start: 0, end: 1 }], "one satisfiable range is enough");
  });

  it("malformed headers, other units and end-before-start are ignored (whole file)", () => {
    for (const header of ["bytes=abc", "bytes=1-2-3", "items=0-1", "bytes", "bytes=", "bytes=-", "bytes=5-1", "bytes=0x10-20", "bytes=+1-2", "bytes=1.5-2", "=0-1", "bytes=0-1;x"]) {
      assert.equal(ranges(header), "ignore", header);
    }
  });

  it("overlapping and adjacent ranges are merged and sorted; absurdly many are ignored", () => {
    assert.deepEqual(ranges("bytes=0-5, 3-8"), [{ start: 0, end: 8 }]);
    assert.deepEqual(ranges("bytes=10-19, 20-29"), [{ start: 10, end: 29 }]);
    assert.deepEqual(ranges("bytes=500-599, 0-9"), [{ start: 0, end: 9 }, { start: 500, end: 599 }]);
    assert.deepEqual(ranges("bytes=0-0,0-0,0-0"), [{ start: 0, end: 0 }]);
    assert.equal(ranges(`bytes=${Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 2}-${i * 2}`).join(",")}`), "ignore");
  });
});

describe("conditional requests", () => {
  const etag = '"abc-10"';
  const mtimeMs = Date.parse("2024-05-01T10:00:00.700Z");

  it("If-None-Match compares weakly, accepts lists and *", () => {
    assert.equal(isNotModified({ "if-none-match": '"abc-10"' }, etag, mtimeMs), true);
    assert.equal(isNotModified({ "if-none-match": 'W/"abc-10"' }, etag, mtimeMs), true);
    assert.equal(isNotModified({ "if-none-match": '"x", "abc-10"' }, etag, mtimeMs), true);
    assert.equal(isNotModified({ "if-none-match": "*" }, etag, mtimeMs), true);
    assert.equal(isNotModified({ "if-none-match": '"other"' }, etag, mtimeMs), false);
  });

  it("If-Modified-Since compares whole seconds and is ignored when If-None-Match is present", () => {
    assert.equal(isNotModified({ "if-modified-since": "Wed, 01 May 2024 10:00:00 GMT" }, etag, mtimeMs), true);
    assert.equal(isNotModified({ "if-modified-since": "Wed, 01 May 2024 09:59:59 GMT" }, etag, mtimeMs), false);
    assert.equal(isNotModified({ "if-modified-since": "not a date" }, etag, mtimeMs), false);
    assert.equal(isNotModified({ "if-none-match": '"other"', "if-modified-since": "Wed, 01 May 2030 10:00:00 GMT" }, etag, mtimeMs), false);
  });

  it("If-Range needs a strong ETag match or the exact date", () => {
    assert.equal(ifRangeAllows(undefined, etag, mtimeMs), true);
    assert.equal(ifRangeAllows('"abc-10"', etag, mtimeMs), true);
    assert.equal(ifRangeAllows('W/"abc-10"', etag, mtimeMs), false);
    assert.equal(ifRangeAllows("Wed, 01 May 2024 10:00:00 GMT", etag, mtimeMs), true);
    assert.equal(ifRangeAllows("Wed, 01 May 2024 10:00:01 GMT", etag, mtimeMs), false);
  });
});

describe("Content-Disposition", () => {
  it("plain ASCII names are quoted, with quotes and backslashes escaped", () => {
    assert.equal(contentDisposition("attachment", "report.pdf"), 'attachment; filename="report.pdf"');
    assert.equal(contentDisposition("inline", 'a "b" \\c.txt'), 'inline; filename="a \\"b\\" \\\\c.txt"');
  });

  it("non-ASCII names get an ASCII fallback and an RFC 8187 filename*", () => {
    assert.equal(contentDisposition("attachment", "résumé €.pdf"), `attachment; filename="r_sum_ _.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.pdf`);
    assert.equal(contentDisposition("attachment", "日本'(x)*.txt"), `attachment; filename="__'(x)*.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%27%28x%29%2A.txt`);
  });

  it("control characters cannot split the header", () => {
    assert.equal(contentDisposition("attachment", "a\r\nSet-Cookie: x=1.txt"), 'attachment; filename="aSet-Cookie: x=1.txt"');
    assert.equal(contentDisposition("attachment", "é\r\nx"), `attachment; filename="_x"; filename*=UTF-8''%C3%A9x`);
  });
});
