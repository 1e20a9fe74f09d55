// The consolidated results file of a campaign, the one the coordinator sends back to the client:
// one row per listed contact with its own fields, final result, attempts, last attempt and
// agent (kpi-definitions §16). CSV (UTF-8 with BOM, CRLF, `;` by default for Excel in es-CO /
// es-BO, formula-like cells neutralised) or XLSX (exceljs; fixed document dates and ZIP times:
// the campaign's first day, so the same data gives the same bytes).
import { localToEpoch } from '../core/calendar.ts';
import { csvText, type CsvSeparator } from '../reports/core/csv.ts';
import { formatLocal } from '../reports/core/layout.ts';
import { openReportWorkbook, reportWorkbookBytes } from '../reports/render/xlsx.ts';
import type { CampaignFile, CampaignFileFormat, Consolidated } from './contract.ts';

const TEXTS = {
  es: { contact_id: 'Id contacto', phone: 'Teléfono', result: 'Resultado final', code: 'Código', attempts: 'Intentos', last: 'Último intento', agent: 'Agente', none: 'Sin intento', prefix: 'campana' },
  en: { contact_id: 'Contact id', phone: 'Phone', result: 'Final result', code: 'Code', attempts: 'Attempts', last: 'Last attempt', agent: 'Agent', none: 'Not attempted', prefix: 'campaign' },
} as const;

/** Header and rows as cells (texts and whole numbers), shared by both formats. */
export function consolidatedTable(c: Consolidated, lang: 'es' | 'en'): { header: string[]; rows: Array<Array<string | number>> } {
  const t = TEXTS[lang];
  const label = new Map(c.codes.map((x) => [x.code, lang === 'es' ? x.label_es : x.label_en]));
  const header = [t.contact_id, t.phone, ...c.field_names, t.result, t.code, t.attempts, t.last, t.agent];
  const rows = c.rows.map((r) => [
    r.contact_id,
    r.phone,
    ...c.field_names.map((f) => r.fields[f] ?? ''),
    r.final_code === '' ? t.none : (label.get(r.final_code) ?? r.final_code),
    r.final_code,
    r.attempts,
    // Local time of the site, seconds kept (the offset says which zone).
    r.last_attempt_s === null ? '' : formatLocal(r.last_attempt_s * 1000, c.tz),
    r.agent,
  ]);
  return { header, rows };
}

const slug = (s: string): string => s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[^\w-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'campaign';

export async function consolidatedFile(c: Consolidated, o: { format: CampaignFileFormat; lang: 'es' | 'en'; sep?: CsvSeparator }): Promise<CampaignFile> {
  const { header, rows } = consolidatedTable(c, o.lang);
  const filename = `${TEXTS[o.lang].prefix}-${slug(c.campaign.name)}-${c.campaign.campaign_id.slice(0, 8)}.${o.format}`;
  if (o.format === 'csv') {
    const sep = o.sep ?? ';';
    const line = (cells: Array<string | number>): string => cells.map((v) => (typeof v === 'number' ? String(v) : csvText(v, sep))).join(sep);
    const text = `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
    return { filename, content_type: 'text/csv; charset=utf-8', body: Buffer.from(text, 'utf8') };
  }
  const [y, m, d] = c.campaign.start_date.split('-').map(Number) as [number, number, number];
  const fixedDate = new Date(localToEpoch(y, m, d, 0, 0, c.tz) * 1000);
  const wb = openReportWorkbook(c.campaign.name, fixedDate);
  const ws = wb.addWorksheet(o.lang === 'es' ? 'Resultados' : 'Results');
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  header.forEach((h, i) => {
    ws.getColumn(i + 1).width = Math.min(Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)) + 2, 60);
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const body = await reportWorkbookBytes(wb, fixedDate);
  return { filename, content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
}
