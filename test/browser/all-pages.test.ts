// Every page of the SPA in a real browser (Debian's Chromium through playwright-core) against one
// real all-in-one run, in Spanish and English at 1920x1080 (TV), 1366x768 and 390x844 (phone),
// as the admin (who may see every page), as nobody (login view, kiosk wallboard), and as a
// manager, a supervisor and a QA analyst on a phone (the pages of their own menu). On each:
// no console error, no page error, no failed request or error answer, no sideways page scroll
// (tables scroll inside their own box), no catalog key or `{placeholder}` or error code shown as
// text, no English word known to have leaked into the Spanish UI, `<html lang>` following the
// chosen language, and an axe-core scan with no serious or critical violation (issue 15). Then
// the keyboard: Tab through the header with a visible focus ring, Enter to open a page, an
// escalation ticket's timeline opened and closed without the mouse.
// One server start, one browser; a size's pages are visited in one tab by changing the hash, as
// a user clicking through the menu does.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { REPO_ROOT, runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';
import { waitFor } from '../support/wait-for.ts';
import { CONTACTS_CSV } from '../../processor/src/campaigns/testing/credit-week.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'all-pages');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DAY_S = 86_400;
const todayS = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
const date = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const D1_S = todayS - 2 * DAY_S;

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;
const LANGS = ['es', 'en'] as const;
type Lang = (typeof LANGS)[number];

/**
 * The logged-in pages: every route of route.ts (a test below fails when one is added and not
 * listed here) and the quality sub-tabs. Each with what shows that it has loaded.
 */
const ROUTES: ReadonlyArray<{ name: string; hash: string; ready: string }> = [
  // The wallboard once its cards show live figures (a card dims while its feed reconnects).
  { name: 'wallboard', hash: '#/wallboard', ready: '[data-testid="queue-card-101"][aria-busy="false"]' },
  { name: 'live', hash: '#/live', ready: '[data-testid="live-view"]' },
  { name: 'reports', hash: `#/reports?from=${date(D1_S)}&to=${date(D1_S + DAY_S)}`, ready: '[data-testid^="report-row-"]' },
  { name: 'quality', hash: '#/quality-data', ready: 'main h1, main h2' },
  { name: 'qa', hash: '#/qa', ready: '[data-testid="qa-sessions"]' },
  { name: 'qa/session', hash: '#/qa?session={calibration}', ready: '[data-testid="cal-title"]' },
  { name: 'qa/forms', hash: '#/qa/forms', ready: '[data-testid="qa-tab-forms"].current' },
  { name: 'qa/sampling', hash: '#/qa/sampling', ready: '[data-testid="qa-tab-sampling"].current' },
  { name: 'qa/score', hash: '#/qa/score', ready: '[data-testid="qa-tab-score"].current' },
  { name: 'qa/agents', hash: '#/qa/agents', ready: '[data-testid="qa-tab-agents"].current' },
  { name: 'qa/surveys', hash: '#/qa/surveys', ready: '[data-testid="qa-tab-surveys"].current' },
  { name: 'qa/report', hash: '#/qa/report', ready: '[data-testid="qa-tab-report"].current' },
  { name: 'qa/training', hash: '#/qa/training?month={month}', ready: '[data-testid="training-agents"]' },
  { name: 'qa/settings', hash: '#/qa/settings', ready: '[data-testid="qa-tab-settings"].current' },
  { name: 'escalations', hash: '#/escalations', ready: '[data-testid="esc-overdue-list"]' },
  { name: 'exports', hash: '#/exports', ready: 'main h2' },
  { name: 'campaigns', hash: '#/campaigns', ready: '[data-testid="campaigns-list"]' },
  { name: 'campaigns/detail', hash: '#/campaigns?id={campaign}', ready: '[data-testid="fig-effectiveness_pct"]' },
  { name: 'audit', hash: '#/admin/audit', ready: '[data-testid="aud-count"]' },
  { name: 'settings', hash: '#/settings', ready: 'main h2' },
  { name: 'password', hash: '#/password', ready: 'main form' },
  { name: 'funnel', hash: `#/funnel?from=${date(D1_S)}&to=${date(todayS + DAY_S)}`, ready: '[data-testid="funnel-view"]' },
  { name: 'calls', hash: `#/calls?from=${date(todayS)}&to=${date(todayS + DAY_S)}&figure=offered`, ready: '[data-testid="calls-total"]' },
  { name: 'call', hash: '#/call/default/{callid}', ready: '[data-testid="story-events"]' },
];

/**
 * English seen in the Spanish UI (issue 15 and found by this test): whole words or phrases,
 * matched case-sensitively in the visible text of a Spanish page.
 */
const ENGLISH_LEAKS = [
  'offered',
  'created at first start',
  'Loading',
  'Save',
  'Cancel',
  'Delete',
  'Search',
  'Submit',
  'Queue',
  'Queues',
  'Agent',
  'Settings',
  'Reports',
  'Export',
  'Download',
  'Close',
  'None',
  'within tolerance',
  'deviation',
  'Password',
  'Login',
  'Logout',
  'Full screen',
  'waiting',
  'answered',
  'abandoned',
  'Today',
  'month',
];

/**
 * A module of the SPA, loaded at run time: it belongs to the dashboard's app project (checked by
 * svelte-check), not to this one.
 */
async function spa<T>(file: string, name: string): Promise<T> {
  return ((await import(join(REPO_ROOT, 'dashboard/src', file))) as Record<string, T>)[name] as T;
}
type Catalog = { es: Record<string, string> };
const CATALOGS = await Promise.all([
  spa<Catalog>('lib/messages.ts', 'MESSAGES'),
  spa<Catalog>('features/exports/texts.ts', 'EXPORT_TEXTS'),
  spa<Catalog>('features/escalations/texts.ts', 'ESC_TEXTS'),
  spa<Catalog>('features/qa/texts.ts', 'QA_TEXTS'),
  spa<Catalog>('features/qa/training-texts.ts', 'TRAINING_TEXTS'),
  spa<Catalog>('features/campaigns/texts.ts', 'CAMPAIGN_TEXTS'),
]);
const PAGES = await spa<readonly string[]>('lib/route.ts', 'PAGES');
const RECORDING_PLACEHOLDERS = await spa<Record<string, string>>('features/qa/qa-api.ts', 'RECORDING_PLACEHOLDERS');

/** Catalog keys that cannot be ordinary words (dotted, camelCase or snake_case). */
const KEYS = [...new Set(CATALOGS.flatMap((c) => Object.keys(c.es)))].filter((k) => /[.A-Z_]/.test(k) && /^[a-z]/.test(k));

let dir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;
let calibrationId = '';
/** The seeded outbound campaign (its page shows figures) and the month of the seeded training scores. */
let campaignId = '';
const thisMonth = date(todayS).slice(0, 7);
/** Today's answered call (the call-story page opens it). */
let seededCallid = '';
/** A route's hash with the seeded ids filled in. */
const filled = (hash: string): string =>
  hash.replace('{calibration}', calibrationId).replace('{callid}', seededCallid).replace('{campaign}', campaignId).replace('{month}', thisMonth);
const SOURCE_TOKEN = 'crm-all-pages-token-0123456789';
const PASSWORD = 'a-long-password-1';
/** The users of the other roles (quique and rita are the calibration session's analysts). */
const USERS = { mario: 'manager', sofia: 'supervisor', quique: 'qa_analyst', rita: 'qa_analyst' } as const;

/** Two past days of calls (imported before start) so reports and tables have rows. */
function history(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) lines.push(...answeredCall({ queue: '101', callid: `h1.${i}`, endS: D1_S + 9 * 3600 + i * 300, wait: 5 + (i % 30), talk: 60, agent: `Agente ${1 + (i % 4)}` }));
  for (let i = 0; i < 6; i++) lines.push(...abandonedCall({ queue: '101', callid: `h2.${i}`, endS: D1_S + 10 * 3600 + i * 400, wait: 40 }));
  for (let i = 0; i < 12; i++) lines.push(...answeredCall({ queue: '102', callid: `h3.${i}`, endS: D1_S + DAY_S + 11 * 3600 + i * 200, wait: 12, talk: 120, agent: 'Beto' }));
  return lines.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-all-pages-'));
  const past = join(dir, 'history');
  writeFileSync(past, `${history().join('\n')}\n`);
  const dataDir = join(dir, 'data');
  const imported = await runTablero(['import', past], { dataDir });
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir, env: { TABLERO_SOURCE_TOKENS: `${SOURCE_TOKEN}=default:crm` } });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  await seedToday();
}, 180_000);

/**
 * What the pages show besides figures: calls today and a caller waiting (wallboard, live view),
 * an alert threshold that caller crosses (a settings version, the alert banner and log), two
 * escalated tickets, one overdue (lists, matrix, alerts), and a QA form with a calibration
 * session on today's answered call (forms, the sessions list, the session page).
 */
async function seedToday(): Promise<void> {
  const api = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  expect((await api.send('POST', '/api/settings/queues', { site: 'default', queue: '101', patch: { alerts: { waiting_above: 0 } } })).status).toBe(201);
  const now = Math.floor(Date.now() / 1000);
  const callid = `${now}.1`;
  seededCallid = callid;
  appendLines(queueLog, [
    ...answeredCall({ queue: '101', callid, endS: now - 60, wait: 8, talk: 30, agent: 'Agente 1' }),
    ...abandonedCall({ queue: '102', callid: `${now}.2`, endS: now - 30, wait: 45 }),
    `${now - 15}|${now}.3|101|NONE|ENTERQUEUE||3001112233|1`,
  ]);
  const at = (days: number): string => new Date((todayS - days * DAY_S + 12 * 3600) * 1000).toISOString().replace('.000Z', 'Z');
  const tickets = await fetch(`${tablero.url}/ingest/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SOURCE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: [
        { ticket_id: 'RAD-1', event: 'opened', time: at(30), type: 'queja', channel: 'phone' },
        { ticket_id: 'RAD-1', event: 'escalated', time: at(30), area: 'Crédito' },
        { ticket_id: 'RAD-2', event: 'opened', time: at(1), type: 'informacion' },
        { ticket_id: 'RAD-2', event: 'escalated', time: at(1), area: 'Tesorería' },
      ],
    }),
  });
  expect(tickets.status).toBe(200);
  for (const [username, role] of Object.entries(USERS)) expect((await api.send('POST', '/api/users', { username, password: PASSWORD, role })).status).toBe(201);
  await waitFor(async () => (await api.send('GET', `/api/qa/calls/${callid}`)).status === 200, { timeoutMs: 30_000, what: "today's answered call to be stored" });
  const form = await api.send('POST', '/api/qa/forms', {
    spec: {
      name: 'Monitoreo',
      bands: [{ label: 'mejorar', max: 60 }, { label: 'cumple', max: 100 }],
      sections: [{ id: 'atencion', title: 'Atención', items: [{ id: 'saludo', label: 'Saluda con el guion', type: 'yes_no' }, { id: 'solucion', label: 'Resuelve', type: 'scale', max: 4, weight: 2 }] }],
    },
  });
  expect(form.status).toBe(200);
  const session = await api.send('POST', '/api/qa/calibrations', {
    title: 'Calibración quincenal',
    callid,
    form_id: (form.body as { form_id: string }).form_id,
    analysts: ['quique', 'rita'],
    reference_analyst: null,
    deadline_ms: Date.now() + 3_600_000,
  });
  expect(session.status).toBe(200);
  calibrationId = (session.body as { session_id: string }).session_id;

  // An outbound campaign with its list and results, and training scores of the month (issue 17).
  const campaign = await api.send('POST', '/api/campaigns', { name: 'Ofertas de crédito', purpose: 'Libranza', start_date: date(todayS - 7 * DAY_S), end_date: date(todayS + 7 * DAY_S), target_list: 'base' });
  expect(campaign.status).toBe(200);
  campaignId = (campaign.body as { campaign_id: string }).campaign_id;
  expect((await api.send('POST', `/api/campaigns/${campaignId}/contacts`, { csv: CONTACTS_CSV })).body).toMatchObject({ accepted: 5 });
  const results = ['contact_id,result,at,agent', `C1,success,${date(todayS)} 10:00,Agente 1`, `C2,no_answer,${date(todayS)} 10:05,Agente 2`, `C2,refused,${date(todayS)} 11:05,Agente 2`].join('\n');
  expect((await api.send('POST', `/api/campaigns/${campaignId}/results`, { csv: results })).body).toMatchObject({ accepted: 3 });
  for (const [agent, score] of [['Agente 1', 85], ['Agente 2', 60]] as const) {
    expect((await api.send('POST', '/api/qa/training', { agent, test: 'Producto', date: date(todayS), score, pass_mark: 70 })).status).toBe(200);
  }
}

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Watch {
  problems: string[];
  inFlight: number;
  lastChange: number;
}

/** Records a page's console errors, page errors, failed requests and error answers, and its requests in flight. */
function watch(page: Page): Watch {
  const w: Watch = { problems: [], inFlight: 0, lastChange: Date.now() };
  const change = (d: number): void => {
    w.inFlight += d;
    w.lastChange = Date.now();
  };
  page.on('console', (m) => {
    if (m.type() === 'error') w.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('request', () => change(1));
  page.on('requestfinished', () => change(-1));
  page.on('requestfailed', (r) => {
    change(-1);
    w.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return w;
}

/** Waits until no request has been in flight for 400 ms (the page's data has arrived and rendered). */
async function settle(page: Page, w: Watch): Promise<void> {
  await waitFor(() => w.inFlight <= 0 && Date.now() - w.lastChange >= 400, { timeoutMs: 20_000, what: 'requests to settle' });
  // Two frames for the last answer to be drawn, then the end of CSS transitions (a card fading
  // in from its dimmed reconnecting look); endless animations (a raised alert's pulse) go on.
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => undefined)));
  });
}

interface Scan {
  lang: string;
  scrollWidth: number;
  innerWidth: number;
  text: string;
  code: string[];
  wide: string[];
  axe: Array<{ id: string; impact: string; help: string; nodes: string[] }>;
}

/** What the page shows now: its language, its width, its visible text, and axe-core's serious and critical violations. */
async function scan(page: Page): Promise<Scan> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return {
      lang: document.documentElement.lang,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
      text: document.body.innerText,
      // Machine text (JSON of a setting, a URL, a code sample) is data, not a translated UI text.
      code: [...document.querySelectorAll<HTMLElement>('code, pre, .mono')].map((el) => el.innerText),
      // What sticks out: the outermost elements reaching past the window's right edge (not inside a scroll box).
      wide: [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && el.parentElement?.getBoundingClientRect().right !== el.getBoundingClientRect().right)
        .filter((el) => {
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (p.getBoundingClientRect().right > innerWidth + 1 || getComputedStyle(p).overflowX !== 'visible') return false;
          }
          return true;
        })
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} ${Math.round(el.getBoundingClientRect().width)}px`),
      axe: r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`) })),
    };
  });
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LEAK_RE = new RegExp(`(?<![\\p{L}\\p{N}_.])(${ENGLISH_LEAKS.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'u');
const KEY_RE = new RegExp(`(?<![\\p{L}\\p{N}_.])(${KEYS.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'u');

/** The problems of one scanned page (empty when it passes). */
function judge(s: Scan, lang: Lang): string[] {
  const out: string[] = [];
  if (!s.lang.startsWith(lang)) out.push(`<html lang="${s.lang}">, expected ${lang}`);
  if (s.scrollWidth > s.innerWidth) out.push(`scrolls sideways: ${s.scrollWidth} px wide in ${s.innerWidth} px (${s.wide.join(', ')})`);
  const key = KEY_RE.exec(s.text);
  if (key) out.push(`catalog key shown: ${key[1]}`);
  // The QA settings name the placeholders of the recording link ({callid}, {site}) on purpose.
  const explained = Object.values(RECORDING_PLACEHOLDERS).reduce((text, p) => text.replaceAll(p, ''), s.text);
  const placeholder = /\{[a-z_]+\}|TABLERO_ERR_[A-Z_]+|undefined|NaN|\[object Object\]/.exec(explained);
  if (placeholder) out.push(`raw text shown: ${placeholder[0]}`);
  if (lang === 'es') {
    const prose = s.code.reduce((text, code) => text.replace(code, ''), s.text);
    for (const line of prose.split('\n')) {
      const leak = LEAK_RE.exec(line);
      if (leak) out.push(`English in Spanish: «${leak[1]}» in «${line.trim().slice(0, 80)}»`);
    }
  }
  for (const v of s.axe) out.push(`axe ${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`);
  return out;
}

function openContext(): Promise<BrowserContext> {
  // bypassCSP: the axe-core source is injected as an inline script, which the server's CSP forbids.
  return browser.newContext({ bypassCSP: true, viewport: SIZES[0] });
}

/** Chooses `lang` with the header's language switch (stored on the server for the admin). */
async function chooseLang(page: Page, lang: Lang): Promise<void> {
  await page.getByTestId('lang-switch').selectOption(lang === 'en' ? 'en' : 'es-CO');
  await waitFor(async () => (await page.evaluate(() => document.documentElement.lang)).startsWith(lang), { timeoutMs: 5_000, what: 'the language' });
}


/** Opens `path` in `page`, waits for `ready` and for its requests, and returns what is wrong there. */
async function visit(page: Page, w: Watch, lang: Lang, path: string, ready: string): Promise<string[]> {
  w.problems = [];
  await page.goto(`${tablero.url}${path}`);
  await page.locator(ready).first().waitFor({ timeout: 20_000 });
  await settle(page, w);
  return [...w.problems, ...judge(await scan(page), lang)];
}

describe('every page, es and en, three sizes (Chromium, axe-core)', () => {
  it('lists every route of the router (a new page must be added to ROUTES)', () => {
    expect(KEYS.length).toBeGreaterThan(300);
    // The login view is visited by the anonymous tests below.
    const listed = new Set([...ROUTES.map((r) => r.name.split('/')[0]), 'login']);
    expect(PAGES.filter((p) => !listed.has(p))).toEqual([]);
    // Routes with parameters are not in PAGES: every `name: '...'` of the router's Route type.
    const named = [...readFileSync(join(REPO_ROOT, 'dashboard/src/lib/route.ts'), 'utf8').matchAll(/name: '([a-z-]+)'/g)].map((m) => m[1] as string);
    expect(named).toContain('wallboard');
    expect([...new Set(named)].filter((n) => !listed.has(n))).toEqual([]);
  });

  for (const lang of LANGS) {
    it(`${lang}: logged-in pages as the admin`, async () => {
      const findings: Record<string, string[]> = {};
      const ctx = await openContext();
      try {
        const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
        await chooseLang(page, lang);
        const w = watch(page);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const route of ROUTES) {
            const problems = await visit(page, w, lang, `/${filled(route.hash)}`, route.ready);
            if (problems.length > 0) findings[`${lang} ${size.width}x${size.height} ${route.name}`] = problems;
            if (size.width === 390) await page.screenshot({ path: join(ARTIFACTS, `${route.name.replace('/', '-')}-${lang}-390.png`), fullPage: true });
          }
        }
      } finally {
        await ctx.close();
      }
      expect(findings).toEqual({});
    }, 600_000);

    it(`${lang}: login view and kiosk wallboard`, async () => {
      const findings: Record<string, string[]> = {};
      const ctx = await openContext();
      // Nobody is logged in: the language is this device's choice (what the switch stores).
      await ctx.addInitScript((l) => localStorage.setItem('tablero.locale', l), lang === 'en' ? 'en' : 'es-CO');
      try {
        const page = await ctx.newPage();
        const w = watch(page);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const route of [
            { name: 'login', url: `/#/login`, ready: '[data-testid="login-username"]' },
            { name: 'kiosk', url: `/?kiosk=${tablero.admin.kioskToken}&lang=${lang}#/wallboard`, ready: '[data-testid="queue-card-101"][aria-busy="false"]' },
          ]) {
            const found = await visit(page, w, lang, route.url, route.ready);
            // How the SPA learns that nobody is logged in: GET /api/me answers 401 (and Chromium
            // logs every 4xx answer as a console error). The only error answer allowed anywhere.
            const expected = route.name === 'login' ? [`HTTP 401: GET ${tablero.url}/api/me`, 'console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)'] : [];
            const problems = found.filter((p) => !expected.includes(p));
            if (problems.length > 0) findings[`${lang} ${size.width}x${size.height} ${route.name}`] = problems;
          }
        }
      } finally {
        await ctx.close();
      }
      expect(findings).toEqual({});
    }, 300_000);
  }
});

describe('the other roles, on a phone in Spanish (Chromium, axe-core)', () => {
  it.each(Object.entries(USERS).slice(0, 3))('%s (%s): every page of the menu', async (username) => {
    const findings: Record<string, string[]> = {};
    const ctx = await openContext();
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, username, PASSWORD);
      await chooseLang(page, 'es');
      await page.setViewportSize(SIZES[2]);
      // What the menu and the quality tabs offer this role: nothing else is visited.
      const offered = new Set(await page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid?.slice(4) ?? '')));
      if (offered.has('qa')) {
        await page.goto(`${tablero.url}/#/qa`);
        await page.locator('[data-testid^="qa-tab-"]').first().waitFor();
        for (const tab of await page.locator('[data-testid^="qa-tab-"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid?.slice(7) ?? ''))) {
          offered.add(tab === 'calibration' ? 'qa/session' : `qa/${tab}`);
        }
      }
      if (offered.has('campaigns')) offered.add('campaigns/detail');
      const w = watch(page);
      const routes = ROUTES.filter((r) => offered.has(r.name));
      expect(routes.length).toBeGreaterThanOrEqual(5);
      for (const route of routes) {
        // Pages look different for each role: ready once the view's heading is there.
        const ready = route.name === 'wallboard' ? route.ready : 'main :is(h1, h2)';
        const problems = await visit(page, w, 'es', `/${filled(route.hash)}`, ready);
        if (problems.length > 0) findings[`${username} 390x844 ${route.name}`] = problems;
      }
    } finally {
      await ctx.close();
    }
    expect(findings).toEqual({});
  }, 300_000);
});

interface Focused {
  id: string;
  outline: string;
  visible: boolean;
}

/** Presses Tab `n` times and returns what had the focus after each press, with its outline. */
async function tabThrough(page: Page, n: number): Promise<Focused[]> {
  const seen: Focused[] = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return { id: 'body', outline: '', visible: false };
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return {
          id: el.dataset.testid ?? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 30)}`,
          outline: `${cs.outlineStyle} ${cs.outlineWidth}`,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth,
        };
      }),
    );
  }
  return seen;
}

describe('keyboard and motion (Chromium)', () => {
  it('reaches the menu, the language switch, the password link and logout with Tab, each with a visible focus ring; Enter opens a page', async () => {
    const ctx = await openContext();
    try {
      for (const size of [SIZES[1], SIZES[2]]) {
        const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
        await chooseLang(page, 'es');
        // The choice is stored by a PATCH /api/me of its own; the reload below reads it back.
        await waitFor(async () => (await page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { lang: string }).lang)).startsWith('es'), { timeoutMs: 5_000, what: 'the stored language' });
        await page.setViewportSize(size);
        // A fresh load (the wallboard opened from a bookmark): the login form's focus point,
        // left in the page by the sign-in, would otherwise start the Tab order inside the view.
        await page.reload();
        await page.locator('[data-testid="queue-card-101"]').waitFor();
        const seen = await tabThrough(page, 14);
        expect(seen.map((f) => f.id)).toEqual([
          'nav-wallboard', 'nav-live', 'nav-reports', 'nav-quality', 'nav-settings', 'nav-escalations', 'nav-qa', 'nav-exports', 'nav-campaigns', 'nav-audit',
          'lang-switch', 'button:Pantalla completa', 'nav-password', 'logout',
        ]);
        // The :focus-visible ring of app.css, on screen, on every one of them.
        for (const f of seen) expect([f.id, f.outline, f.visible]).toEqual([f.id, 'solid 3px', true]);
        // Back to the reports link and open it with Enter.
        for (let i = 0; i < 11; i++) await page.keyboard.press('Shift+Tab');
        expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe('nav-reports');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/reports/);
        await page.getByTestId('reports-view').waitFor();
        expect(await page.title()).toBe('Informes · Tablero');
        await page.close();
      }
    } finally {
      await ctx.close();
    }
  });

  it('a raised alert pulses on the wallboard, and stops pulsing for someone who asked for less motion', async () => {
    const iterations = async (reducedMotion: 'reduce' | 'no-preference'): Promise<string> => {
      const ctx = await browser.newContext({ reducedMotion, viewport: SIZES[0] });
      try {
        const page = await ctx.newPage();
        await page.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard`);
        // Queue 101 has a caller waiting over its threshold of 0 (seedToday).
        const tile = page.locator('[data-testid="tile-waiting-101"][data-alert="raised"]');
        await tile.waitFor({ timeout: 30_000 });
        return await tile.evaluate((el) => getComputedStyle(el.closest('.tile') ?? el).animationIterationCount);
      } finally {
        await ctx.close();
      }
    };
    expect(await iterations('no-preference')).toBe('infinite');
    expect(await iterations('reduce')).toBe('1');
  });

  it('opens a ticket of the escalations page with Enter and closes its timeline with the keyboard', async () => {
    const ctx = await openContext();
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      await page.goto(`${tablero.url}/#/escalations`);
      const ticket = page.getByRole('button', { name: 'RAD-1', exact: true });
      await ticket.waitFor({ timeout: 20_000 });
      // Reached with Tab from the top of the page, not clicked.
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await ticket.evaluate((el) => el === document.activeElement);
      }
      expect(reached).toBe(true);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const close = dialog.getByRole('button').last();
      let closeReached = false;
      for (let i = 0; i < 40 && !closeReached; i++) {
        await page.keyboard.press('Tab');
        closeReached = await close.evaluate((el) => el === document.activeElement);
      }
      expect(closeReached).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
