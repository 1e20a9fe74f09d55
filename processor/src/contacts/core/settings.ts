// Per-channel settings of contacts (kpi-definitions §15): the response threshold of each channel
// and the clock it is measured on (`wall` seconds, or `business` seconds of the site calendar's
// opening hours minus its holidays), and whether "within" is inclusive. Pure.
import { CONTACT_CHANNELS, type ContactChannel } from '@tablero/ingest/contract';

export type ThresholdBasis = 'wall' | 'business';

export interface ChannelSettings {
  /** Seconds (wall or business, per `basis`); first response at most this long after arrival is within. */
  threshold_s: number;
  basis: ThresholdBasis;
  /** Within = first-response time < threshold instead of <=. */
  strict: boolean;
}

export type ContactSettings = Record<ContactChannel, ChannelSettings>;
export type ContactSettingsPatch = Partial<Record<ContactChannel, Partial<ChannelSettings>>>;

/**
 * Defaults where the issue is silent (an admin changes them in Settings): chat and social are
 * answered live (30 s, 1 h), a video call like a phone call (20 s), mailbox and web form within
 * 24 business hours of the site calendar.
 */
export const DEFAULT_CONTACT_SETTINGS: ContactSettings = {
  chat: { threshold_s: 30, basis: 'wall', strict: false },
  video: { threshold_s: 20, basis: 'wall', strict: false },
  email: { threshold_s: 24 * 3600, basis: 'business', strict: false },
  webform: { threshold_s: 24 * 3600, basis: 'business', strict: false },
  social: { threshold_s: 3600, basis: 'wall', strict: false },
};

/** At most 60 days: a longer threshold could not be judged within the read's look-ahead. */
export const MAX_CONTACT_THRESHOLD_S = 60 * 86_400;

export function mergeContactSettings(base: ContactSettings, patch: ContactSettingsPatch): ContactSettings {
  const out = {} as ContactSettings;
  for (const c of CONTACT_CHANNELS) out[c] = { ...base[c], ...(patch[c] ?? {}) };
  return out;
}

export type ContactSettingsCheck = { ok: true; value: ContactSettingsPatch } | { ok: false; reason: string };

/** Validates an untrusted patch (the settings form, stored JSON); reports the first bad field. */
export function checkContactSettings(input: unknown): ContactSettingsCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'not_an_object' };
  const out: ContactSettingsPatch = {};
  for (const [ch, v] of Object.entries(input as Record<string, unknown>)) {
    if (!(CONTACT_CHANNELS as readonly string[]).includes(ch)) return { ok: false, reason: `unknown_field:${ch}` };
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: `bad_field:${ch}` };
    const p: Partial<ChannelSettings> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'threshold_s') {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_CONTACT_THRESHOLD_S) return { ok: false, reason: `bad_field:${ch}.threshold_s` };
        p.threshold_s = x;
      } else if (k === 'basis') {
        if (x !== 'wall' && x !== 'business') return { ok: false, reason: `bad_field:${ch}.basis` };
        p.basis = x;
      } else if (k === 'strict') {
        if (typeof x !== 'boolean') return { ok: false, reason: `bad_field:${ch}.strict` };
        p.strict = x;
      } else return { ok: false, reason: `unknown_field:${ch}.${k}` };
    }
    out[ch as ContactChannel] = p;
  }
  return { ok: true, value: out };
}
