// Boxes that scroll sideways take the keyboard's focus. On a phone a table wider than the screen
// scrolls inside itself or inside its panel (app.css); a box that scrolls must be reachable from
// the keyboard so the arrow keys can scroll it (WCAG 2.1.1, axe-core's
// `scrollable-region-focusable`). One watcher for the whole SPA instead of an attribute on every
// table and panel of every view: a box gets `tabindex="0"` while it scrolls and loses it when it
// fits again (a wider window), so a desktop keyboard user does not tab through boxes that have
// nothing to scroll.

const MARK = 'data-scroll-focus';

/** True when `el` clips its content sideways and the content is wider than the box. */
function scrollsSideways(el: { scrollWidth: number; clientWidth: number }, overflowX: string): boolean {
  return (overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}

/** What may scroll sideways: tables (on a phone) and the panels that hold the report-style tables. */
const BOXES = 'table, .panel, .table-box, .box';

/** Gives or takes the focus stop of one box; a tabindex the view set itself is left alone. */
function update(box: HTMLElement): void {
  const scrolls = scrollsSideways(box, getComputedStyle(box).overflowX);
  if (scrolls && !box.hasAttribute('tabindex')) {
    box.setAttribute('tabindex', '0');
    box.setAttribute(MARK, '');
  } else if (!scrolls && box.hasAttribute(MARK)) {
    box.removeAttribute('tabindex');
    box.removeAttribute(MARK);
  }
}

/** Watches the boxes under `root` (added, changed, resized) until the returned function is called. */
export function focusScrollingBoxes(root: HTMLElement): () => void {
  let frame = 0;
  const schedule = (): void => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      for (const box of root.querySelectorAll<HTMLElement>(BOXES)) update(box);
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
