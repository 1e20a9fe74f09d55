// One RFC 4180 CSV line -> cells, keeping whether each cell was quoted (cdr_csv writes an
// unanswered call's answer as an unquoted empty cell and strings always quoted).

export interface CsvCell {
  value: string;
  quoted: boolean;
}

/** Null when a quoted cell is not closed or a closing quote is followed by junk. */
export function splitCsvLine(line: string, sep = ','): CsvCell[] | null {
  const cells: CsvCell[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return null;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      cells.push({ value, quoted: true });
      if (i === n) return cells;
      if (line[i] !== sep) return null;
      i += 1;
    } else {
      const c = line.indexOf(sep, i);
      const end = c < 0 ? n : c;
      cells.push({ value: line.slice(i, end), quoted: false });
      if (c < 0) return cells;
      i = c + 1;
    }
  }
}
