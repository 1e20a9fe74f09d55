// Reads the SVG subset that ECharts' server-side SVG renderer emits (flat <path>, <rect>,
// <text> elements with fill/stroke/opacity, dash arrays and translate/matrix/scale/rotate
// transforms) into drawing operations a PDF writer replays as vectors. We chose this over
// svg-to-pdfkit (unmaintained since 2019, a full SVG engine for a chart that uses five
// features). Clip paths are ignored (ECharts only clips a series to its grid, where it already
// lies); <defs> and <style> (hover rules) are skipped. Anything else is reported, not drawn.

export type Matrix = [number, number, number, number, number, number];

export interface Paint {
  /** `#rrggbb`. */
  color: string;
  opacity: number;
}

export interface PathOp {
  kind: 'path';
  d: string;
  fill: Paint | null;
  stroke: Paint | null;
  strokeWidth: number;
  dash: number[] | null;
  matrix: Matrix;
}

export interface TextOp {
  kind: 'text';
  text: string;
  /** Anchor point (after the matrix). */
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  /** 'middle' for dominant-baseline central/middle, else the alphabetic baseline. */
  baseline: 'middle' | 'alphabetic';
  fontSize: number;
  bold: boolean;
  fill: Paint;
  matrix: Matrix;
}

export type SvgOp = PathOp | TextOp;

export interface SvgDrawing {
  width: number;
  height: number;
  ops: SvgOp[];
  /** Element names seen but not drawn (for tests and logs). */
  skipped: string[];
}

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** `translate(x y)`, `matrix(a,b,c,d,e,f)`, `scale(s [t])`, `rotate(deg)`, in sequence. */
export function parseTransform(s: string | undefined): Matrix {
  let m: Matrix = IDENTITY;
  if (!s) return m;
  const re = /(matrix|translate|scale|rotate)\s*\(([^)]*)\)/g;
  for (let x = re.exec(s); x; x = re.exec(s)) {
    const n = (x[2] ?? '').split(/[\s,]+/).filter(Boolean).map(Number);
    let t: Matrix;
    switch (x[1]) {
      case 'matrix':
        t = [n[0] ?? 1, n[1] ?? 0, n[2] ?? 0, n[3] ?? 1, n[4] ?? 0, n[5] ?? 0];
        break;
      case 'translate':
        t = [1, 0, 0, 1, n[0] ?? 0, n[1] ?? 0];
        break;
      case 'scale':
        t = [n[0] ?? 1, 0, 0, n[1] ?? n[0] ?? 1, 0, 0];
        break;
      default: {
        const r = ((n[0] ?? 0) * Math.PI) / 180;
        t = [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0];
      }
    }
    m = multiply(m, t);
  }
  return m;
}

const hex2 = (n: number): string => Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');

/** A paint from an SVG color and opacities, or null for none / transparent / fully transparent. */
export function parsePaint(color: string | undefined, ...opacities: Array<string | undefined>): Paint | null {
  if (color === undefined || color === 'none' || color === 'transparent') return null;
  let rgb: string;
  let alpha = 1;
  const c = color.trim().toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^#([0-9a-f]{6})$/.exec(c))) rgb = `#${m[1]}`;
  else if ((m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(c))) rgb = `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}`;
  else if ((m = /^rgba?\(([^)]*)\)$/.exec(c))) {
    const p = (m[1] ?? '').split(',').map((v) => Number(v.trim()));
    rgb = `#${hex2(p[0] ?? 0)}${hex2(p[1] ?? 0)}${hex2(p[2] ?? 0)}`;
    if (p[3] !== undefined && Number.isFinite(p[3])) alpha = p[3];
  } else return null;
  for (const o of opacities) if (o !== undefined && Number.isFinite(Number(o))) alpha *= Number(o);
  return alpha <= 0 ? null : { color: rgb, opacity: Math.min(1, alpha) };
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (all, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : Number(k.slice(1));
    return Number.isFinite(code) ? String.fromCodePoint(code) : all;
  });
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_:][-\w:.]*)\s*=\s*"([^"]*)"/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1] as string] = decode(m[2] ?? '');
  return out;
}

function style(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(';')) {
    const i = part.indexOf(':');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function parseSvg(svg: string): SvgDrawing {
  const root = /<svg\b([^>]*)>/.exec(svg);
  const ra = attrs(root?.[1] ?? '');
  const width = Number(ra.width ?? 0);
  const height = Number(ra.height ?? 0);
  // Hover styles and clip-path definitions draw nothing.
  const body = svg.replace(/<defs\b[\s\S]*?<\/defs>/g, '').replace(/<style\b[\s\S]*?<\/style>/g, '');
  const ops: SvgOp[] = [];
  const skipped: string[] = [];
  const groups: Matrix[] = [IDENTITY];
  const re = /<(\/?)([A-Za-z]+)\b([^>]*?)(\/?)>(?:([^<]*)<\/text>)?/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const [, closing, name = '', rawAttrs = '', selfClosing, textContent] = m;
    const parent = groups[groups.length - 1] ?? IDENTITY;
    if (name === 'svg') continue;
    if (name === 'g') {
      if (closing) groups.pop();
      else if (!selfClosing) groups.push(multiply(parent, parseTransform(attrs(rawAttrs).transform)));
      continue;
    }
    if (closing) continue;
    const a = attrs(rawAttrs);
    const matrix = multiply(parent, parseTransform(a.transform));
    const st = style(a.style);
    if (name === 'path' || name === 'rect') {
      let d = a.d ?? '';
      if (name === 'rect') {
        const [x, y, w, h] = [a.x, a.y, a.width, a.height].map((v) => Number(v ?? 0)) as [number, number, number, number];
        d = `M${x} ${y}h${w}v${h}h${-w}Z`;
      }
      const fill = parsePaint(a.fill ?? (name === 'rect' ? '#000' : '#000'), a['fill-opacity'], a.opacity);
      const stroke = parsePaint(a.stroke, a['stroke-opacity'], a.opacity);
      const strokeWidth = Number(a['stroke-width'] ?? 1);
      if (d === '' || (!fill && (!stroke || strokeWidth <= 0))) continue;
      const dash = a['stroke-dasharray'] && a['stroke-dasharray'] !== 'none' ? a['stroke-dasharray'].split(/[\s,]+/).map(Number) : null;
      ops.push({ kind: 'path', d, fill, stroke: strokeWidth > 0 ? stroke : null, strokeWidth, dash, matrix });
    } else if (name === 'text') {
      const text = decode(textContent ?? '');
      const fill = parsePaint(a.fill ?? '#000', a['fill-opacity'], a.opacity);
      if (text === '' || !fill) continue;
      const baseline = a['dominant-baseline'] === 'central' || a['dominant-baseline'] === 'middle' ? 'middle' : 'alphabetic';
      const anchor = a['text-anchor'] === 'middle' || a['text-anchor'] === 'end' ? a['text-anchor'] : 'start';
      ops.push({
        kind: 'text', text, x: Number(a.x ?? 0), y: Number(a.y ?? 0), anchor, baseline,
        fontSize: parseFloat(st['font-size'] ?? a['font-size'] ?? '12') || 12,
        bold: /bold|[6-9]00/.test(st['font-weight'] ?? a['font-weight'] ?? ''), fill, matrix,
      });
    } else {
      skipped.push(name);
    }
  }
  return { width, height, ops, skipped };
}
