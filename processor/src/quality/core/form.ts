// Evaluation forms and answers, validated like any untrusted input (they come from the browser
// and from stored JSON). Pure.
import {
  CRITICAL_CATEGORIES,
  CRITICAL_POLICIES,
  ITEM_TYPES,
  type CriticalCategory,
  type QaAnswers,
  type QaAnswerValue,
  type QaBand,
  type QaFormSpec,
  type QaItem,
  type QaSection,
} from '../contract.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ID = /^[A-Za-z0-9_-]{1,40}$/;
const MAX_TEXT = 2000;
export const MAX_SCALE = 10;
export const MAX_WEIGHT = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

class Invalid extends Error {}
function fail(reason: string): never {
  throw new Invalid(reason);
}

function text(v: unknown, where: string, required: boolean): string {
  if (v === undefined && !required) return '';
  if (typeof v !== 'string') fail(`${where} must be text`);
  const t = v.trim();
  if (required && t === '') fail(`${where} must not be empty`);
  if (t.length > MAX_TEXT) fail(`${where} is longer than ${MAX_TEXT} characters`);
  return t;
}

function item(v: unknown, where: string): QaItem {
  if (!isObj(v)) fail(`${where} must be an object`);
  const id = v['id'];
  if (typeof id !== 'string' || !ID.test(id)) fail(`${where}.id must be 1-40 letters, digits, _ or -`);
  const type = v['type'];
  if (typeof type !== 'string' || !(ITEM_TYPES as readonly string[]).includes(type)) fail(`${where}.type must be one of ${ITEM_TYPES.join(', ')}`);
  let max = 1;
  if (type === 'scale') {
    if (!isInt(v['max'], 1, MAX_SCALE)) fail(`${where}.max must be a whole number from 1 to ${MAX_SCALE}`);
    max = v['max'];
  } else if (v['max'] !== undefined && v['max'] !== 1) {
    fail(`${where}.max of a yes/no item is 1`);
  }
  const weight = v['weight'] ?? 1;
  if (!isInt(weight, 1, MAX_WEIGHT)) fail(`${where}.weight must be a whole number from 1 to ${MAX_WEIGHT}`);
  const allowNa = v['allow_na'] ?? false;
  if (typeof allowNa !== 'boolean') fail(`${where}.allow_na must be true or false`);
  const critical = v['critical'] ?? null;
  if (critical !== null && !(typeof critical === 'string' && (CRITICAL_CATEGORIES as readonly string[]).includes(critical))) {
    fail(`${where}.critical must be null or one of ${CRITICAL_CATEGORIES.join(', ')}`);
  }
  return {
    id,
    label: text(v['label'], `${where}.label`, true),
    type: type as QaItem['type'],
    max,
    weight,
    allow_na: allowNa,
    critical: critical as CriticalCategory | null,
    guidance: text(v['guidance'], `${where}.guidance`, false),
  };
}

function bands(v: unknown): QaBand[] {
  if (!Array.isArray(v) || v.length === 0) fail('bands must be a non-empty list');
  const out: QaBand[] = [];
  let prev = -1;
  v.forEach((b, i) => {
    if (!isObj(b)) fail(`bands[${i}] must be an object`);
    const max = b['max'];
    if (typeof max !== 'number' || !Number.isFinite(max) || max < 0 || max > 100) fail(`bands[${i}].max must be a number from 0 to 100`);
    if (max <= prev) fail(`bands[${i}].max must be above the previous band's`);
    prev = max;
    out.push({ label: text(b['label'], `bands[${i}].label`, true), max });
  });
  if (prev !== 100) fail('the last band must end at 100');
  return out;
}

/** A form spec from untrusted JSON, with defaults filled in (weight 1, allow_na false, critical null). */
export function checkFormSpec(v: unknown): Checked<QaFormSpec> {
  try {
    if (!isObj(v)) fail('a form must be an object');
    const name = text(v['name'], 'name', true);
    const rawSections = v['sections'];
    if (!Array.isArray(rawSections) || rawSections.length === 0) fail('sections must be a non-empty list');
    const seenSections = new Set<string>();
    const seenItems = new Set<string>();
    const sections: QaSection[] = rawSections.map((s, i) => {
      const where = `sections[${i}]`;
      if (!isObj(s)) fail(`${where} must be an object`);
      const id = s['id'];
      if (typeof id !== 'string' || !ID.test(id)) fail(`${where}.id must be 1-40 letters, digits, _ or -`);
      if (seenSections.has(id)) fail(`section id ${id} is used twice`);
      seenSections.add(id);
      const rawItems = s['items'];
      if (!Array.isArray(rawItems) || rawItems.length === 0) fail(`${where}.items must be a non-empty list`);
      const items = rawItems.map((it, j) => {
        const checked = item(it, `${where}.items[${j}]`);
        if (seenItems.has(checked.id)) fail(`item id ${checked.id} is used twice`);
        seenItems.add(checked.id);
        return checked;
      });
      return { id, title: text(s['title'], `${where}.title`, true), items };
    });
    const policy = v['critical_policy'] ?? 'zero_score';
    if (typeof policy !== 'string' || !(CRITICAL_POLICIES as readonly string[]).includes(policy)) {
      fail(`critical_policy must be one of ${CRITICAL_POLICIES.join(', ')}`);
    }
    return { ok: true, value: { name, sections, bands: bands(v['bands']), critical_policy: policy as QaFormSpec['critical_policy'] } };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

export function formItems(form: Pick<QaFormSpec, 'sections'>): QaItem[] {
  return form.sections.flatMap((s) => s.items);
}

/**
 * Answers from untrusted JSON: every item answered (unless `partial`: a scoring in progress),
 * points within the item's range, N/A only where allowed.
 */
export function checkAnswers(form: Pick<QaFormSpec, 'sections'>, v: unknown, opts: { partial?: boolean } = {}): Checked<QaAnswers> {
  if (!isObj(v)) return { ok: false, reason: 'answers must be an object of item id -> answer' };
  const items = formItems(form);
  const known = new Set(items.map((i) => i.id));
  for (const key of Object.keys(v)) {
    if (!known.has(key)) return { ok: false, reason: `answer for unknown item ${key}` };
  }
  const out: QaAnswers = {};
  for (const it of items) {
    const a = v[it.id];
    if ((a === undefined || a === null) && opts.partial === true) continue;
    if (a === undefined || a === null) return { ok: false, reason: `item ${it.id} is not answered` };
    if (a === 'na') {
      if (!it.allow_na) return { ok: false, reason: `item ${it.id} does not allow N/A` };
      out[it.id] = 'na';
      continue;
    }
    if (!isInt(a, 0, it.max)) return { ok: false, reason: `item ${it.id} takes a whole number from 0 to ${it.max}` };
    out[it.id] = a;
  }
  return { ok: true, value: out };
}

/** Same answer on both sides (N/A equals N/A). */
export function sameAnswer(a: QaAnswerValue | undefined, b: QaAnswerValue | undefined): boolean {
  return a !== undefined && a === b;
}
