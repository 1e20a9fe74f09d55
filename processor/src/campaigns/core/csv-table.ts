// A CSV text (RFC 4180: quoted cells may hold the separator, quotes and line breaks) as a header
// and records, each with the line it starts on, for the contact-list and results imports.
// The separator is `;` when the header line has one and no `,` (Excel in es-CO / es-BO), else `,`.
// A record whose quotes never close, or with text after a closing quote, is reported as bad (its
// first physical line), not thrown, and reading goes on with the next line. Pure.

export interface CsvRecord {
  line: number;
  cells: string[] | null;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export function readCsvTable(text: string): CsvTable | null {
  const src = text.replace(/^\uFEFF/, '');
  const firstEnd = src.indexOf('\n');
  const firstLine = (firstEnd === -1 ? src : src.slice(0, firstEnd)).replace(/\r$/, '');
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const startLine = line;
    const startAt = i;
    const cells: string[] = [];
    let cell = '';
    let bad = false;
    let done = false;
    let quotedCell = false;
    while (!done) {
      if (i >= n) {
        cells.push(cell);
        done = true;
        break;
      }
      const ch = src[i] as string;
      if (ch === '"' && cell === '' && !quotedCell) {
        // A quoted cell: up to the closing quote ("" is one quote).
        quotedCell = true;
        i++;
        for (;;) {
          if (i >= n) {
            // Never closed: the record is its first physical line alone, so the lines after it
            // are read again as records of their own (nothing valid is swallowed).
            bad = true;
            i = startAt;
            line = startLine;
            break;
          }
          const c = src[i] as string;
          if (c === '"') {
            if (src[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (bad) {
          done = true;
          break;
        }
        const next = src[i];
        if (next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
          bad = true;
          done = true;
          break;
        }
        continue;
      }
      if (ch === sep) {
        cells.push(cell);
        cell = '';
        quotedCell = false;
        i++;
        continue;
      }
      if (ch === '\r' && src[i + 1] === '\n') {
        i++;
        continue;
      }
      if (ch === '\n') {
        cells.push(cell);
        line++;
        i++;
        done = true;
        break;
      }
      cell += ch;
      i++;
    }
    if (bad) {
      // Skip to the end of the physical line and go on with the next record.
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      if (nl !== -1) line++;
      records.push({ line: startLine, cells: null });
      continue;
    }
    if (cells.length === 1 && (cells[0] as string).trim() === '') continue; // blank line
    records.push({ line: startLine, cells });
  }
  const head = records.shift();
  if (!head || head.cells === null) return null;
  return { header: head.cells.map((h) => h.trim()), records };
}
