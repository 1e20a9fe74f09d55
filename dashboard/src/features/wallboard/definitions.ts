// The hover text of each wallboard figure: its definition (docs/kpi-definitions.md), the
// window and settings that produced it, and its exact value. Pure: language and locale in.

import type { Definition } from '@tablero/processor/contract';
import { formatDecimal, formatPct, langOf, type Locale } from '../../lib/format.ts';
import { translate, type MessageKey } from '../../lib/messages.ts';
import type { Metric, TileModel } from './tiles.ts';

const SL_DEF_KEYS: Record<Definition['formula'], MessageKey> = {
  offered: 'def.sl.offered',
  answered: 'def.sl.answered',
  answered_abandoned: 'def.sl.answered_abandoned',
  abandon_after_threshold: 'def.sl.abandon_after_threshold',
  in_threshold_outcomes: 'def.sl.in_threshold_outcomes',
};

const FORMULA_KEYS: Record<Definition['formula'], MessageKey> = {
  offered: 'formula.offered',
  answered: 'formula.answered',
  answered_abandoned: 'formula.answered_abandoned',
  abandon_after_threshold: 'formula.abandon_after_threshold',
  in_threshold_outcomes: 'formula.in_threshold_outcomes',
};

/** Figures whose numerator or denominator loses the short abandons when that setting is on (§3). */
const SHORT_ABANDON_AFFECTS: ReadonlySet<Metric> = new Set<Metric>(['sl', 'offered', 'abandoned', 'abandon-rate']);
/** Ratios: a zero denominator is "no data", and the hover says so. */
const RATIOS: ReadonlySet<Metric> = new Set<Metric>(['sl', 'abandon-rate', 'asa']);

/** The formula's name as users read it ("recibidas"), or the raw code for a formula we do not know yet. */
export function formulaName(locale: Locale, formula: string): string {
  const key = FORMULA_KEYS[formula as Definition['formula']] as MessageKey | undefined;
  return key ? translate(langOf(locale), key) : formula;
}

/** "NS 80/20 · fórmula: recibidas": target / threshold, then the formula. */
export function slCaption(locale: Locale, def: Definition, targetPct: number): string {
  const lang = langOf(locale);
  const short = translate(lang, 'sl.short', {
    target: formatDecimal(locale, targetPct),
    t: formatDecimal(locale, def.threshold_s),
  });
  return `${short} · ${translate(lang, 'sl.formula', { formula: formulaName(locale, def.formula) })}`;
}

/** The service level's formula in words, with its threshold and strictness (also used by reports). */
export function slDefinition(locale: Locale, def: Definition): string {
  const lang = langOf(locale);
  const key = SL_DEF_KEYS[def.formula] as MessageKey | undefined;
  // strict: a wait of exactly T is after the threshold (kpi-definitions §11).
  const params = { cmp: def.strict ? '<' : '≤', t: formatDecimal(locale, def.threshold_s) };
  return key ? translate(lang, key, params) : `${translate(lang, 'tile.sl')}: ${def.formula}.`;
}

function valueText(locale: Locale, tile: TileModel): string {
  if (tile.value === null) return '';
  return tile.kind === 'pct' ? formatPct(locale, tile.value, 2) : formatDecimal(locale, tile.value, 2);
}

export function tileTitle(locale: Locale, tile: TileModel, def: Definition, targetPct: number): string {
  const lang = langOf(locale);
  const parts: string[] = [];
  const t = formatDecimal(locale, def.threshold_s);
  if (tile.metric === 'sl') {
    parts.push(slDefinition(locale, def));
    parts.push(translate(lang, 'def.sl.target', { target: formatPct(locale, targetPct, 0) }));
  } else if (tile.metric === 'at-risk') {
    parts.push(translate(lang, 'def.at-risk', { t }));
  } else if (tile.metric === 'needed') {
    const cmp = def.strict ? '<' : '≤';
    parts.push(translate(lang, 'def.needed', { cmp, t, target: formatPct(locale, targetPct, 0), formula: formulaName(locale, def.formula) }));
  } else {
    parts.push(translate(lang, `def.${tile.metric}`));
  }
  parts.push(tile.window === 'today' ? translate(lang, 'def.today', { tz: def.tz }) : translate(lang, 'def.live'));
  if (def.short_abandon_s > 0 && SHORT_ABANDON_AFFECTS.has(tile.metric)) {
    parts.push(translate(lang, 'def.short', { s: formatDecimal(locale, def.short_abandon_s) }));
  }
  if (tile.value === null) {
    if (RATIOS.has(tile.metric)) parts.push(translate(lang, 'def.nodata'));
  } else {
    parts.push(translate(lang, 'def.value', { value: valueText(locale, tile) }));
  }
  return parts.join(' ');
}
