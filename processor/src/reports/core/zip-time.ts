// Sets every entry time of a ZIP archive (an .xlsx) to one fixed instant, in place. The XLSX
// library stamps each entry with the time of writing, which would make two exports of the same
// closed month differ in bytes; a report's bytes must depend on its content only.
// Walks the central directory from the end-of-central-directory record (never scans for
// signatures, which may occur inside compressed data). No ZIP64, no archive comment expected:
// anything else is rejected rather than half patched.

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

/** MS-DOS time and date words of a UTC calendar time (2-second resolution, years 1980-2107). */
export function dosDateTime(d: { year: number; month: number; day: number; hour: number; minute: number; second: number }): { time: number; date: number } {
  if (d.year < 1980 || d.year > 2107) throw new RangeError(`DOS dates cover 1980-2107, got ${d.year}`);
  return {
    time: (d.hour << 11) | (d.minute << 5) | Math.floor(d.second / 2),
    date: ((d.year - 1980) << 9) | (d.month << 5) | d.day,
  };
}

export function setZipTimes(zip: Buffer, at: Date): Buffer {
  const { time, date } = dosDateTime({
    year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(),
    hour: at.getUTCHours(), minute: at.getUTCMinutes(), second: at.getUTCSeconds(),
  });
  const eocd = zip.length - 22;
  if (eocd < 0 || zip.readUInt32LE(eocd) !== EOCD_SIG) throw new ZipFormatError('no end-of-central-directory record at the end (archive comment?)');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CEN_SIG) throw new ZipFormatError(`bad central directory entry ${i}`);
    zip.writeUInt16LE(time, p + 12);
    zip.writeUInt16LE(date, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOC_SIG) throw new ZipFormatError(`bad local header of entry ${i}`);
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(date, local + 12);
    // Extra fields may carry their own times (extended timestamp 0x5455): none is expected here.
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    if (extraLen !== 0 && hasTimestampExtra(zip, p + 46 + nameLen, extraLen)) throw new ZipFormatError(`entry ${i} carries an extended timestamp`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return zip;
}

function hasTimestampExtra(zip: Buffer, start: number, len: number): boolean {
  for (let q = start; q + 4 <= start + len; q += 4 + zip.readUInt16LE(q + 2)) {
    if (zip.readUInt16LE(q) === 0x5455) return true;
  }
  return false;
}
