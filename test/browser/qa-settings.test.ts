// The quality settings screen in a real browser (Debian's Chromium driven by playwright-core)
// against the real all-in-one run: the admin saves a recording link template and a monthly
// target, sees the server's reason when a template is refused (what was typed stays), and sets the
// agents' teams; after a reload the screen and the API show what was saved. A manager edits the
// teams but only reads the template; an analyst reads the settings only; a supervisor has no tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';

const PASSWORD = 'ajustes-de-calidad-2026';
const TEMPLATE = 'https://grabaciones.example.com/play?call={callid}&site={site}';

let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;

/** A new browser context logged in through the login screen, on the quality settings tab. */
async function settingsPageOf(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await logIn(page, tablero.url, username, password);
  await page.goto(`${tablero.url}/#/qa/settings`);
  return page;
}

/** The teams table as the screen shows it, row by row. */
function teamRows(page: Page): Promise<string[][]> {
  return page.getByTestId('teams-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('input'), (i) => i.value)));
}

beforeAll(async () => {
  ({ tablero, dispose } = await startTableroOnQueueLog());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dispose?.();
});

describe('quality settings in Chromium', () => {
  it('lets the admin save the template, the target and the teams, and shows them again after a reload', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    const page = await settingsPageOf('admin', tablero.admin.password);
    expect(await page.getByTestId('qa-tab-settings').textContent()).toBe('Ajustes');
    // The defaults: no recording links, 4 evaluations per agent.
    await expect.poll(() => page.getByTestId('settings-target').inputValue(), { timeout: 10_000 }).toBe('4');
    expect(await page.getByTestId('settings-template').inputValue()).toBe('');
    expect(await page.getByTestId('settings-placeholders').textContent()).toBe(
      'Marcadores: {callid} (obligatorio) y {site}; se reemplazan por el id de la llamada y el sitio. Vacía = sin enlaces a grabaciones.',
    );

    await page.getByTestId('settings-template').fill(TEMPLATE);
    await page.getByTestId('settings-target').fill('6');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-notice').textContent(), { timeout: 10_000 }).toBe('Ajustes guardados.');

    // A template without {callid} is refused with the server's reason; the typed text stays.
    await page.getByTestId('settings-template').fill('https://grabaciones.example.com/play');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toBe('La plantilla del enlace debe contener {callid}.');
    expect(await page.getByTestId('settings-template').inputValue()).toBe('https://grabaciones.example.com/play');
    expect(await page.getByTestId('settings-target').inputValue()).toBe('6');
    expect(await page.getByTestId('settings-notice').count()).toBe(0);

    // Teams: Ana twice is refused (rows kept as typed); without the second Ana it is saved, and the
    // table shows the server's order (team, then agent).
    expect(await page.getByTestId('teams-none').textContent()).toBe('Ningún agente tiene equipo.');
    const typed = [
      ['Ana', 'Ventas', 'sonia'],
      ['Ana', 'Soporte', ''],
      ['Carla', 'Soporte', ''],
    ];
    for (const [i, [agent, team, supervisor]] of typed.entries()) {
      await page.getByTestId('team-add').click();
      await page.getByTestId(`team-agent-${i}`).fill(agent as string);
      await page.getByTestId(`team-team-${i}`).fill(team as string);
      await page.getByTestId(`team-supervisor-${i}`).fill(supervisor as string);
    }
    await page.getByTestId('teams-save').click();
    await expect.poll(() => page.getByTestId('teams-error').textContent(), { timeout: 10_000 }).toBe('agent Ana is listed twice');
    expect(await page.getByTestId('teams-error').getAttribute('role')).toBe('alert');
    expect(await teamRows(page)).toEqual(typed);
    await page.getByTestId('team-remove-1').click();
    expect(await teamRows(page)).toEqual([typed[0], typed[2]]);
    await page.getByTestId('teams-save').click();
    await expect.poll(() => page.getByTestId('teams-notice').textContent(), { timeout: 10_000 }).toBe('Equipos guardados (agentes: 2).');
    expect(await page.getByTestId('teams-error').count()).toBe(0);
    const saved = [
      ['Carla', 'Soporte', ''],
      ['Ana', 'Ventas', 'sonia'],
    ];
    expect(await teamRows(page)).toEqual(saved);

    // After a reload: the saved template (not the refused one), the target and the teams.
    await page.reload();
    await expect.poll(() => page.getByTestId('settings-template').inputValue(), { timeout: 10_000 }).toBe(TEMPLATE);
    expect(await page.getByTestId('settings-target').inputValue()).toBe('6');
    await expect.poll(() => teamRows(page), { timeout: 10_000 }).toEqual(saved);

    expect(await admin.send('GET', '/api/qa/settings')).toEqual({ status: 200, body: { recording_url_template: TEMPLATE, target_per_agent: 6 } });
    expect(await admin.send('GET', '/api/qa/teams')).toEqual({
      status: 200,
      body: [
        { agent: 'Carla', team: 'Soporte', supervisor: '' },
        { agent: 'Ana', team: 'Ventas', supervisor: 'sonia' },
      ],
    });

    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => page.getByTestId('qa-tab-settings').textContent(), { timeout: 10_000 }).toBe('Settings');
    expect(await page.getByTestId('settings-save').textContent()).toBe('Save settings');
    await page.context().close();
  });

  it('lets a manager change the teams but only read the template', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect((await admin.send('POST', '/api/users', { username: 'marta', password: PASSWORD, role: 'manager' })).status).toBe(201);
    expect((await admin.send('PUT', '/api/qa/settings', { recording_url_template: TEMPLATE, target_per_agent: 6 })).status).toBe(200);
    expect((await admin.send('PUT', '/api/qa/teams', { members: [{ agent: 'Ana', team: 'Ventas', supervisor: 'sonia' }] })).status).toBe(200);

    const page = await settingsPageOf('marta', PASSWORD);
    await expect.poll(() => page.getByTestId('settings-template').inputValue(), { timeout: 10_000 }).toBe(TEMPLATE);
    expect(await page.getByTestId('settings-template').isEditable()).toBe(false);
    expect(await page.getByTestId('settings-target').isEditable()).toBe(false);
    expect(await page.getByTestId('settings-save').count()).toBe(0);
    expect(await page.getByTestId('settings-readonly').textContent()).toBe('Solo un administrador cambia estos ajustes.');

    await expect.poll(() => teamRows(page), { timeout: 10_000 }).toEqual([['Ana', 'Ventas', 'sonia']]);
    await page.getByTestId('team-supervisor-0').fill('tomas');
    await page.getByTestId('teams-save').click();
    await expect.poll(() => page.getByTestId('teams-notice').textContent(), { timeout: 10_000 }).toBe('Equipos guardados (agentes: 1).');
    expect(await admin.send('GET', '/api/qa/teams')).toEqual({ status: 200, body: [{ agent: 'Ana', team: 'Ventas', supervisor: 'tomas' }] });
    await page.context().close();
  });

  it('shows an analyst the settings without the teams, and a supervisor no settings tab', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect((await admin.send('POST', '/api/users', { username: 'quique', password: PASSWORD, role: 'qa_analyst' })).status).toBe(201);
    expect((await admin.send('POST', '/api/users', { username: 'sonia', password: PASSWORD, role: 'supervisor' })).status).toBe(201);
    expect((await admin.send('PUT', '/api/qa/settings', { recording_url_template: TEMPLATE })).status).toBe(200);

    const analyst = await settingsPageOf('quique', PASSWORD);
    await expect.poll(() => analyst.getByTestId('settings-template').inputValue(), { timeout: 10_000 }).toBe(TEMPLATE);
    expect(await analyst.getByTestId('settings-template').isEditable()).toBe(false);
    expect(await analyst.getByTestId('settings-save').count()).toBe(0);
    expect(await analyst.getByTestId('teams-table').count()).toBe(0);
    await analyst.context().close();

    const supervisor = await settingsPageOf('sonia', PASSWORD);
    await supervisor.getByTestId('qa-tab-report').waitFor({ timeout: 10_000 });
    expect(await supervisor.getByTestId('qa-tab-settings').count()).toBe(0);
    // Reached by its address anyway, the screen says so instead of failing on the server's 403.
    await supervisor.getByText('Su rol no ve los ajustes de calidad.').waitFor({ timeout: 10_000 });
    expect(await supervisor.getByTestId('settings-form').count()).toBe(0);
    await supervisor.context().close();
  });
});
