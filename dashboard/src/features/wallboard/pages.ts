// Page rotation for a TV with more queues than fit on one screen. The page shown is a function
// of the clock (epoch seconds / rotation period), so every TV on the same link shows the same
// page at the same time and no extra timer is needed. Pure: the time comes in as data.

export interface Page<T> {
  items: T[];
  /** 0-based index of the page shown. */
  page: number;
  pages: number;
}

export function pageCount(total: number, perPage: number | null): number {
  if (perPage === null || perPage <= 0 || total <= perPage) return 1;
  return Math.ceil(total / perPage);
}

export function pageIndexAt(nowMs: number, pages: number, rotateS: number): number {
  if (pages <= 1 || rotateS <= 0) return 0;
  return Math.floor(nowMs / 1000 / rotateS) % pages;
}

export function pageAt<T>(items: readonly T[], perPage: number | null, page: number): Page<T> {
  const pages = pageCount(items.length, perPage);
  if (pages === 1 || perPage === null) return { items: [...items], page: 0, pages: 1 };
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(p * perPage, (p + 1) * perPage), page: p, pages };
}
