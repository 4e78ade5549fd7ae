// Percent-decoding of a request path as Kestrel does it before routing (ASP.NET Core
// `src/Shared/UrlDecoder/UrlDecoder.cs`, called from `PathNormalizer.DecodePath` in
// `Http1Connection.ParseTarget`): each escape run that is well-formed UTF-8 is decoded; anything
// else — `%ZZ`, a stray continuation byte, an overlong form, a UTF-16 surrogate, a code point past
// U+10FFFF, a truncated sequence — stays as written instead of failing the request; `%2F` is never
// decoded (it would change which segments the path has), so a route value keeps it as `%2F`; and
// an escaped NUL makes the decoder throw, which Kestrel answers with 400 before any function runs.

/** Whether Kestrel refuses the path outright (400 "Invalid request target"): it escapes a NUL. */
export function pathRejectedByServer(path: string): boolean {
  return path.includes('%00');
}

/** The segment as the route value Kestrel and ASP.NET Core routing give a function. */
export function decodePathSegment(segment: string): string {
  let out = '';
  let i = 0;
  while (i < segment.length) {
    if (segment[i] !== '%') {
      out += segment[i++];
      continue;
    }
    const decoded = decodeSequence(segment, i);
    out += decoded.text;
    i = decoded.end;
  }
  return out;
}

/** One escape byte at `at`, or undefined when it is not `%XX` or is the `%2F` left alone. */
function escapedByte(text: string, at: number): number | undefined {
  if (text[at] !== '%' || !/^[0-9A-Fa-f]{2}$/.test(text.slice(at + 1, at + 3))) return undefined;
  const value = parseInt(text.slice(at + 1, at + 3), 16);
  return value === 0x2f ? undefined : value;
}

/**
 * The UTF-8 sequence of escapes starting at `start`: its character and where it ends, or — when
 * it is not well-formed — the escapes read so far kept as written (just the `%` if the first one
 * is not an escape), scanning going on after them as UrlDecoder's DecodeCore does.
 */
function decodeSequence(text: string, start: number): { text: string; end: number } {
  const keep = (end: number) => ({ text: text.slice(start, end), end });
  const first = escapedByte(text, start);
  if (first === undefined) return keep(start + 1);
  if (first === 0) throw new Error('the path escapes a NUL character (%00)');
  if (first <= 0x7f) return { text: String.fromCharCode(first), end: start + 3 };
  const lead = first >= 0xc0 && first < 0xe0 ? { bits: first & 0x1f, count: 2, min: 0x80 }
    : first >= 0xe0 && first < 0xf0 ? { bits: first & 0x0f, count: 3, min: 0x800 }
      : first >= 0xf0 && first < 0xf8 ? { bits: first & 0x07, count: 4, min: 0x10000 }
        : undefined;
  if (!lead) return keep(start + 3);
  let bits = lead.bits;
  let end = start + 3;
  for (let remaining = lead.count - 1; remaining > 0; remaining--) {
    const next = escapedByte(text, end);
    if (next === undefined || (next & 0xc0) !== 0x80) return keep(end);
    bits = (bits << 6) | (next & 0x3f);
    // A UTF-16 surrogate (U+D800–U+DFFF) or a code point past U+10FFFF: not UTF-8.
    if (remaining - 1 === 1 && bits >= 0x360 && bits <= 0x37f) return keep(end);
    if (remaining - 1 === 2 && bits >= 0x110) return keep(end);
    end += 3;
  }
  // An overlong form (more bytes than the code point needs) is not UTF-8 either.
  if (bits < lead.min) return keep(end);
  return { text: String.fromCodePoint(bits), end };
}
