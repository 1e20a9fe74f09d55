// Bounds on the shape of a JSON request body, checked on the text before it is parsed: a body
// nested 100,000 deep or an object with 10,000 fields can never be a valid ticket or setting,
// and parsing or walking it costs stack and time. One pass, no recursion. Pure.

export interface JsonBounds {
  /** Deepest nesting of objects and arrays (the top-level value is depth 1). */
  maxDepth: number;
  /** Most fields in one object. */
  maxFields: number;
}

export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxDepth: 32, maxFields: 200 };

export type JsonBoundsResult = { ok: true } | { ok: false; reason: string };

/** Checks `text` against `bounds`; malformed JSON passes here and is the parser's to refuse. */
export function checkJsonBounds(text: string, bounds: JsonBounds = DEFAULT_JSON_BOUNDS): JsonBoundsResult {
  // Per open container: its field count (objects) or -1 (arrays).
  const fields: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // `\`: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      // `{` or `[`
      if (fields.length >= bounds.maxDepth) return { ok: false, reason: `nested deeper than ${bounds.maxDepth} levels` };
      fields.push(c === 0x7b ? 0 : -1);
    } else if (c === 0x7d || c === 0x5d) {
      fields.pop();
    } else if (c === 0x3a) {
      // `:` outside a string: one more field of the innermost object.
      const top = fields.length - 1;
      if (top >= 0 && (fields[top] as number) >= 0) {
        const n = (fields[top] as number) + 1;
        if (n > bounds.maxFields) return { ok: false, reason: `an object has more than ${bounds.maxFields} fields` };
        fields[top] = n;
      }
    }
  }
  return { ok: true };
}
