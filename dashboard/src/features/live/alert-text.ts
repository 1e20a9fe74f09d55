// One alert as a sentence in the viewer's language: which queue, which figure, its value and
// the threshold it crossed. Pure.

import type { AlertMessage } from '@tablero/processor/contract';
import { formatCount, formatDuration, formatPct, langOf, type Locale } from '../../lib/format.ts';
import { translate, type MessageKey } from '../../lib/messages.ts';

const KEYS: Record<string, MessageKey> = {
  sl_pct: 'alert.sl_pct',
  waiting_now: 'alert.waiting_now',
  longest_current_wait_s: 'alert.longest_current_wait_s',
};

function figure(locale: Locale, metric: string, v: number | null): string {
  if (metric === 'sl_pct') return formatPct(locale, v, 1);
  if (metric === 'longest_current_wait_s') return formatDuration(locale, v);
  return formatCount(locale, v);
}

/** `current`: the figure now (the wallboard banner); otherwise the value when raised or cleared. */
export function alertText(locale: Locale, a: AlertMessage, current?: number | null): string {
  const key = KEYS[a.metric] ?? 'alert.other';
  const value = current !== undefined ? current : a.state === 'raised' ? a.raised_value : a.cleared_value;
  return translate(langOf(locale), key, {
    queue: a.queue,
    metric: a.metric,
    value: figure(locale, a.metric, value),
    threshold: figure(locale, a.metric, a.threshold),
  });
}
