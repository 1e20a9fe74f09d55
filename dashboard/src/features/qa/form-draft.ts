// The evaluation form editor's working copy and the pure steps around it: a new draft, a draft
// from a published version (to publish the next one), the spec the server checks
// (processor's checkFormSpec gives the reasons), answers typed from the select boxes, and the
// months of a trend. Pure.
import type { CriticalCategory, CriticalPolicy, ItemType, QaAnswers, QaForm, QaFormSpec } from '@tablero/processor/contract';

export interface DraftItem {
  id: string;
  label: string;
  type: ItemType;
  max: number;
  weight: number;
  allow_na: boolean;
  /** '' = not critical. */
  critical: CriticalCategory | '';
  guidance: string;
}
export interface DraftSection {
  id: string;
  title: string;
  items: DraftItem[];
}
export interface FormDraft {
  /** The form a publish adds a version to, or null for a new form. */
  form_id: string | null;
  name: string;
  critical_policy: CriticalPolicy;
  bands: Array<{ label: string; max: number }>;
  sections: DraftSection[];
}

/** The bands the users named (0-60 needs improvement, 61-85 meets, 86-100 exceeds). */
export function defaultBands(lang: string): Array<{ label: string; max: number }> {
  return lang === 'en'
    ? [{ label: 'Needs improvement', max: 60 }, { label: 'Meets', max: 85 }, { label: 'Exceeds', max: 100 }]
    : [{ label: 'Por mejorar', max: 60 }, { label: 'Cumple', max: 85 }, { label: 'Supera', max: 100 }];
}

/** The first unused `prefix<n>` id. */
export function nextId(prefix: string, used: Iterable<string>): string {
  const taken = new Set(used);
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function newItem(used: Iterable<string>): DraftItem {
  return { id: nextId('i', used), label: '', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: '', guidance: '' };
}

export function itemIds(d: FormDraft): string[] {
  return d.sections.flatMap((s) => s.items.map((i) => i.id));
}

export function newSection(d: FormDraft): DraftSection {
  return { id: nextId('s', d.sections.map((s) => s.id)), title: '', items: [newItem(itemIds(d))] };
}

export function emptyDraft(lang: string): FormDraft {
  const d: FormDraft = { form_id: null, name: '', critical_policy: 'zero_score', bands: defaultBands(lang), sections: [] };
  d.sections.push(newSection(d));
  return d;
}

/** A published version as a draft of its next version. */
export function draftFromForm(f: QaForm): FormDraft {
  return {
    form_id: f.form_id,
    name: f.name,
    critical_policy: f.critical_policy,
    bands: f.bands.map((b) => ({ ...b })),
    sections: f.sections.map((s) => ({ id: s.id, title: s.title, items: s.items.map((i) => ({ ...i, critical: i.critical ?? '' })) })),
  };
}

/** The spec to publish; a yes/no item always has max 1 whatever the scale box held. */
export function specFromDraft(d: FormDraft): QaFormSpec {
  return {
    name: d.name.trim(),
    critical_policy: d.critical_policy,
    bands: d.bands.map((b) => ({ label: b.label.trim(), max: Number(b.max) })),
    sections: d.sections.map((s) => ({
      id: s.id.trim(),
      title: s.title.trim(),
      items: s.items.map((i) => ({
        id: i.id.trim(),
        label: i.label.trim(),
        type: i.type,
        max: i.type === 'yes_no' ? 1 : Number(i.max),
        weight: Number(i.weight),
        allow_na: i.allow_na,
        critical: i.critical === '' ? null : i.critical,
        guidance: i.guidance.trim(),
      })),
    })),
  };
}

/** Select-box values ('' unanswered, 'na', or points) as answers; null while any item is unanswered. */
export function answersFrom(form: Pick<QaFormSpec, 'sections'>, values: Record<string, string>): QaAnswers | null {
  const out: QaAnswers = {};
  for (const s of form.sections) {
    for (const i of s.items) {
      const v = values[i.id] ?? '';
      if (v === '') return null;
      out[i.id] = v === 'na' ? 'na' : Number(v);
    }
  }
  return out;
}

/** Answers back into select-box values (editing an evaluation). */
export function valuesFrom(answers: QaAnswers): Record<string, string> {
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, String(v)]));
}

/** `n` months ending at `month` (`YYYY-MM`), oldest first. */
export function monthsBack(month: string, n: number): string[] {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return [];
  const base = Number(m[1]) * 12 + Number(m[2]) - 1;
  return Array.from({ length: n }, (_, k) => {
    const v = base - (n - 1 - k);
    return `${Math.floor(v / 12)}-${String((v % 12) + 1).padStart(2, '0')}`;
  });
}

/** The current month `YYYY-MM` of an instant in the browser's time zone. */
export function monthOfDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}
