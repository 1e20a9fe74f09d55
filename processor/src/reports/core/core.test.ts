// Pure parts of the reports: schedules, CSV cells, ZIP times, the ECharts SVG subset, month days.
import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from './csv.ts';
import { daysOfMonths, parseMonth } from './model.ts';
import { checkSchedule, dueRun, folderInside, latestOccurrence, nextRunAfter, reportFileName, reportMonthOf, runId, type ExportSchedule } from './schedule.ts';
import { parsePaint, parseSvg, parseTransform } from './svg-subset.ts';
import { dosDateTime, setZipTimes, ZipFormatError } from './zip-time.ts';

const base = { id: 'board', every: 'monthly', tz: 'America/La_Paz', folder: '/srv/reports' } as const;
function sched(extra: Record<string, unknown> = {}): ExportSchedule {
  const c = checkSchedule({ ...base, ...extra });
  if (!c.ok) throw new Error(c.reason);
  return c.value;
}
const utc = (s: string): number => Date.parse(s);

describe('checkSchedule', () => {
  it('fills the defaults', () => {
    expect(checkSchedule(base)).toEqual({
      ok: true,
      value: {
        id: 'board', enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'America/La_Paz', site: 'default', queues: [],
        formats: ['xlsx'], lang: 'es', sep: ';', folder: '/srv/reports', email_to: [],
      },
    });
  });
  it.each<[Record<string, unknown>, string]>([
    [{ id: 'a b' }, 'bad_field:id'],
    [{ every: 'weekly' }, 'bad_field:every'],
    [{ day_of_month: 29 }, 'bad_field:day_of_month'],
    [{ day_of_month: 0 }, 'bad_field:day_of_month'],
    [{ at: '24:00' }, 'bad_field:at'],
    [{ at: '6:00' }, 'bad_field:at'],
    [{ tz: 'Mars/Olympus' }, 'bad_field:tz'],
    [{ formats: [] }, 'bad_field:formats'],
    [{ formats: ['docx'] }, 'bad_field:formats'],
    [{ lang: 'pt' }, 'bad_field:lang'],
    [{ sep: '|' }, 'bad_field:sep'],
    [{ folder: 'relative/dir' }, 'bad_field:folder'],
    [{ queues: [''] }, 'bad_field:queues'],
    [{ colour: 'red' }, 'unknown_field:colour'],
    [{ email_to: 'gerencia@example.com' }, 'bad_field:email_to'],
    [{ email_to: ['gerencia'] }, 'bad_field:email_to'],
    [{ email_to: ['Gerencia <gerencia@example.com>'] }, 'bad_field:email_to'],
    [{ email_to: ['a@example.com, b@example.com'] }, 'bad_field:email_to'],
    [{ email_to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) }, 'bad_field:email_to'],
  ])('rejects %j: %s', (extra, reason) => {
    expect(checkSchedule({ ...base, ...extra })).toEqual({ ok: false, reason });
  });
  it('keeps e-mail recipients once each', () => {
    const c = checkSchedule({ ...base, email_to: ['gerencia@example.com', 'ana.perez@banco.com.bo', 'gerencia@example.com'] });
    expect(c.ok && c.value.email_to).toEqual(['gerencia@example.com', 'ana.perez@banco.com.bo']);
  });
  it('rejects a non-object', () => {
    expect(checkSchedule([])).toEqual({ ok: false, reason: 'not_an_object' });
  });
  it('with an exports folder, takes only a folder inside it', () => {
    expect(checkSchedule(base, '/srv')).toMatchObject({ ok: true });
    expect(checkSchedule(base, '/srv/reports')).toMatchObject({ ok: true });
    expect(checkSchedule(base, '/data/exports')).toEqual({ ok: false, reason: 'folder_outside_exports' });
  });
});

describe('folderInside', () => {
  it.each<[string, string, boolean]>([
    ['/data/exports', '/data/exports', true],
    ['/data/exports/', '/data/exports', true],
    ['/data/exports/board', '/data/exports/', true],
    ['/data/exports/a/../b', '/data/exports', true],
    ['/data/exports/../etc', '/data/exports', false],
    ['/data/exports-other', '/data/exports', false],
    ['/data', '/data/exports', false],
    ['/etc/cron.d', '/data/exports', false],
    ['/anything', '/', true],
  ])('%s inside %s: %s', (folder, root, inside) => {
    expect(folderInside(folder, root)).toBe(inside);
  });
});

describe('schedule times (La Paz is UTC-4)', () => {
  const monthly = sched();
  const daily = sched({ id: 'daily', every: 'daily', at: '07:30', formats: ['csv', 'pdf'], lang: 'en' });
  it.each<[string, ExportSchedule, string, string]>([
    ['monthly, before day 1 06:00', monthly, '2026-11-01T09:59:59Z', '2026-11-01T10:00:00.000Z'],
    ['monthly, exactly at the time', monthly, '2026-11-01T10:00:00Z', '2026-12-01T10:00:00.000Z'],
    ['monthly, mid-month', monthly, '2026-11-15T00:00:00Z', '2026-12-01T10:00:00.000Z'],
    ['monthly, over the year end', monthly, '2026-12-02T00:00:00Z', '2027-01-01T10:00:00.000Z'],
    ['daily, before the time', daily, '2026-11-15T11:00:00Z', '2026-11-15T11:30:00.000Z'],
    ['daily, after the time', daily, '2026-11-15T11:30:00Z', '2026-11-16T11:30:00.000Z'],
    ['daily, late evening local (next day in UTC)', daily, '2026-11-16T02:00:00Z', '2026-11-16T11:30:00.000Z'],
  ])('next run: %s', (_name, s, after, next) => {
    expect(new Date(nextRunAfter(s, utc(after))).toISOString()).toBe(next);
  });

  it('latest occurrence and due runs (catch-up of the newest missed one only)', () => {
    expect(new Date(latestOccurrence(monthly, utc('2026-11-01T09:00:00Z'))).toISOString()).toBe('2026-10-01T10:00:00.000Z');
    expect(new Date(latestOccurrence(monthly, utc('2026-11-01T10:00:00Z'))).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    // Never run; the scheduler started on Oct 15: nothing due until Nov 1 06:00 local.
    expect(dueRun(monthly, utc('2026-10-15T00:00:00Z'), utc('2026-10-31T23:00:00Z'))).toBeNull();
    expect(dueRun(monthly, utc('2026-10-15T00:00:00Z'), utc('2026-11-01T10:00:00Z'))).toBe(utc('2026-11-01T10:00:00Z'));
    // Already run at that occurrence: nothing due.
    expect(dueRun(monthly, utc('2026-11-01T10:00:00Z'), utc('2026-11-20T00:00:00Z'))).toBeNull();
    // Stopped for three months: the newest missed occurrence only.
    expect(dueRun(monthly, utc('2026-08-01T10:00:00Z'), utc('2026-11-03T00:00:00Z'))).toBe(utc('2026-11-01T10:00:00Z'));
    expect(dueRun({ ...monthly, enabled: false }, 0, utc('2026-11-03T00:00:00Z'))).toBeNull();
  });

  it.each<[ExportSchedule, string, string]>([
    [monthly, '2026-11-01T10:00:00Z', '2026-10'],
    [monthly, '2027-01-01T10:00:00Z', '2026-12'],
    [daily, '2026-11-15T11:30:00Z', '2026-11'],
    [daily, '2026-11-01T11:30:00Z', '2026-10'],
  ])('a run reports the month of the day before: %#', (s, at, month) => {
    expect(reportMonthOf(s, utc(at))).toBe(month);
  });

  it('names runs and files deterministically', () => {
    expect(runId(monthly, utc('2026-11-01T10:00:00Z'))).toBe('board@2026-11-01T10:00:00.000Z');
    expect(reportFileName('default', '2026-10', 'xlsx')).toBe('tablero-default-2026-10.xlsx');
    expect(reportFileName('la paz/1', '2026-11', 'pdf', '2026-11-15')).toBe('tablero-la_paz_1-2026-11-as-of-2026-11-15.pdf');
  });
});

describe('CSV cells', () => {
  it.each<[string | number | null, 'text' | 'int' | 'pct' | 'sec', ';' | ',', string]>([
    [null, 'pct', ';', ''],
    [62.5, 'pct', ';', '62,50'],
    [62.5, 'pct', ',', '62.50'],
    [1.01, 'sec', ';', '1,01'],
    [300, 'int', ';', '300'],
    [0, 'pct', ',', '0.00'],
    ['a;b', 'text', ';', '"a;b"'],
    ['a;b', 'text', ',', 'a;b'],
    ['say "hi"', 'text', ',', '"say ""hi"""'],
    ['=HYPERLINK("x")', 'text', ';', `"'=HYPERLINK(""x"")"`],
    ['+57 1 555', 'text', ';', "'+57 1 555"],
    ['-1', 'text', ',', "'-1"],
    ['@agent', 'text', ',', "'@agent"],
    ['línea\nnueva', 'text', ',', '"línea\nnueva"'],
  ])('%j as %s with %s -> %s', (v, kind, sep, out) => {
    expect(csvCell(v, kind, sep)).toBe(out);
  });
  it('quotes section titles holding the separator', () => {
    expect(csvText('Cola; 101', ';')).toBe('"Cola; 101"');
  });
});

describe('months', () => {
  it('parses and enumerates local days', () => {
    expect(parseMonth('2026-10')).toEqual({ year: 2026, month: 10 });
    expect(parseMonth('2026-13')).toBeNull();
    expect(parseMonth('2026-1')).toBeNull();
    expect(daysOfMonths('2028-02', '2028-02')).toHaveLength(29);
    expect(daysOfMonths('2026-12', '2027-01').slice(30, 32)).toEqual(['2026-12-31', '2027-01-01']);
  });
});

describe('ZIP entry times', () => {
  // A stored (uncompressed) two-entry archive, as `zip -0` writes it: headers only, no extras.
  function zip(names: string[]): Buffer {
    const locals: Buffer[] = [];
    const cens: Buffer[] = [];
    let offset = 0;
    for (const n of names) {
      const name = Buffer.from(n);
      const l = Buffer.alloc(30);
      l.writeUInt32LE(0x04034b50, 0);
      l.writeUInt16LE(0x1234, 10);
      l.writeUInt16LE(0x5678, 12);
      l.writeUInt16LE(name.length, 26);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(0x1234, 12);
      c.writeUInt16LE(0x5678, 14);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      locals.push(l, name);
      cens.push(c, name);
      offset += 30 + name.length;
    }
    const cd = Buffer.concat(cens);
    const e = Buffer.alloc(22);
    e.writeUInt32LE(0x06054b50, 0);
    e.writeUInt16LE(names.length, 8);
    e.writeUInt16LE(names.length, 10);
    e.writeUInt32LE(cd.length, 12);
    e.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, e]);
  }

  it('encodes DOS date and time', () => {
    expect(dosDateTime({ year: 2026, month: 10, day: 1, hour: 4, minute: 0, second: 0 })).toEqual({ time: 4 << 11, date: (46 << 9) | (10 << 5) | 1 });
    expect(() => dosDateTime({ year: 1979, month: 1, day: 1, hour: 0, minute: 0, second: 0 })).toThrow(RangeError);
  });

  it('sets every local and central header time', () => {
    const z = setZipTimes(zip(['a.xml', 'xl/b.xml']), new Date('2026-10-01T04:00:00Z'));
    const { time, date } = dosDateTime({ year: 2026, month: 10, day: 1, hour: 4, minute: 0, second: 0 });
    expect([z.readUInt16LE(10), z.readUInt16LE(12)]).toEqual([time, date]);
    expect([z.readUInt16LE(35 + 10), z.readUInt16LE(35 + 12)]).toEqual([time, date]);
    const cd = z.readUInt32LE(z.length - 22 + 16);
    expect([z.readUInt16LE(cd + 12), z.readUInt16LE(cd + 14)]).toEqual([time, date]);
    expect([z.readUInt16LE(cd + 51 + 12), z.readUInt16LE(cd + 51 + 14)]).toEqual([time, date]);
  });

  it('rejects an archive with a trailing comment instead of half patching it', () => {
    expect(() => setZipTimes(Buffer.concat([zip(['a']), Buffer.from('comment')]), new Date())).toThrow(ZipFormatError);
  });
});

describe('SVG subset (ECharts SSR output)', () => {
  it('parses paints and transforms', () => {
    expect(parsePaint('#5070dd')).toEqual({ color: '#5070dd', opacity: 1 });
    expect(parsePaint('#fff', '0.5')).toEqual({ color: '#ffffff', opacity: 0.5 });
    expect(parsePaint('rgba(255,0,0,0.25)')).toEqual({ color: '#ff0000', opacity: 0.25 });
    expect(parsePaint('rgb(0,0,0)', '0')).toBeNull();
    expect(parsePaint('none')).toBeNull();
    expect(parseTransform('translate(67 140)')).toEqual([1, 0, 0, 1, 67, 140]);
    expect(parseTransform('matrix(3,0,0,3,121.875,80)')).toEqual([3, 0, 0, 3, 121.875, 80]);
    expect(parseTransform('translate(10,20) scale(2)')).toEqual([2, 0, 0, 2, 10, 20]);
  });

  it('reads paths, texts and groups; skips defs and styles', () => {
    const svg = `<svg width="500" height="220" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 220">
<rect width="500" height="220" x="0" y="0" fill="none"></rect>
<path d="M75 140.5L450 140.5" fill="none" stroke="#dbdee4" class="zr0-cls-0"></path>
<text dominant-baseline="central" text-anchor="end" style="font-size:12px;font-family:sans-serif;" transform="translate(67 140)" fill="#54555a">0 &amp; 1</text>
<g clip-path="url(#zr0-c0)" transform="translate(5 5)">
<path d="M121.9 80L215.6 83.4" fill="none" stroke="#5070dd" stroke-width="2" stroke-dasharray="4,2"></path>
</g>
<text dominant-baseline="central" text-anchor="middle" style="font-size:12px;font-weight:bold;" y="6" transform="translate(250 20)" fill="#3c3c41">SL por día</text>
<defs><clipPath id="zr0-c0"><path d="M74 64l377 0l0 77l-377 0Z" fill="#000"></path></clipPath></defs>
<style><![CDATA[.zr0-cls-0:hover { pointer-events:none; }]]></style>
</svg>`;
    const d = parseSvg(svg);
    expect([d.width, d.height, d.skipped]).toEqual([500, 220, []]);
    expect(d.ops).toEqual([
      { kind: 'path', d: 'M75 140.5L450 140.5', fill: null, stroke: { color: '#dbdee4', opacity: 1 }, strokeWidth: 1, dash: null, matrix: [1, 0, 0, 1, 0, 0] },
      { kind: 'text', text: '0 & 1', x: 0, y: 0, anchor: 'end', baseline: 'middle', fontSize: 12, bold: false, fill: { color: '#54555a', opacity: 1 }, matrix: [1, 0, 0, 1, 67, 140] },
      { kind: 'path', d: 'M121.9 80L215.6 83.4', fill: null, stroke: { color: '#5070dd', opacity: 1 }, strokeWidth: 2, dash: [4, 2], matrix: [1, 0, 0, 1, 5, 5] },
      { kind: 'text', text: 'SL por día', x: 0, y: 6, anchor: 'middle', baseline: 'middle', fontSize: 12, bold: true, fill: { color: '#3c3c41', opacity: 1 }, matrix: [1, 0, 0, 1, 250, 20] },
    ]);
  });
});
