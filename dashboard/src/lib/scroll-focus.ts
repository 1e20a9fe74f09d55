// Tables that scroll sideways take the keyboard's focus. On a phone a table wider than the screen
// scrolls inside its own box (app.css); a box that scrolls must be reachable from the keyboard
// so the arrow keys can scroll it (WCAG 2.1.1, axe-core's `scrollable-region-focusable`). One
// watcher for the whole SPA instead of an attribute on every table of every view: a table gets
// `tabindex="0"` while it scrolls and loses it when it fits again (a wider window), so a desktop
// keyboard user does not tab through tables that have nothing to scroll.

const MARK = 'data-scroll-focus';

/** True when `el` clips its content sideways and the content is wider than the box. */
export function scrollsSideways(el: { scrollWidth: number; clientWidth: number }, overflowX: string): boolean {
  return (overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}

/** Gives or takes the focus stop of one table; a tabindex the view set itself is left alone. */
function update(table: HTMLElement): void {
  const scrolls = scrollsSideways(table, getComputedStyle(table).overflowX);
  if (scrolls && !table.hasAttribute('tabindex')) {
    table.setAttribute('tabindex', '0');
    table.setAttribute(MARK, '');
  } else if (!scrolls && table.hasAttribute(MARK)) {
    table.removeAttribute('tabindex');
    table.removeAttribute(MARK);
  }
}

/** Watches the tables under `root` (added, changed, resized) until the returned function is called. */
export function focusScrollingTables(root: HTMLElement): () => void {
  let frame = 0;
  const schedule = (): void => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      for (const t of root.querySelectorAll<HTMLElement>('table')) update(t);
    });
  };
  const mutations = new MutationObserver(schedule);
  mutations.observe(root, { childList: true, subtree: true, characterData: true });
  addEventListener('resize', schedule);
  schedule();
  return () => {
    mutations.disconnect();
    removeEventListener('resize', schedule);
    cancelAnimationFrame(frame);
  };
}
