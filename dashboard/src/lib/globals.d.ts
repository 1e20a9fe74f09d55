// Globals the app defines for its browser tests.
export {};

declare global {
  interface Window {
    /** The ECharts option of each wallboard chart, by queue (read by the Playwright tests). */
    __tableroCharts?: Record<string, unknown>;
    /** Alert sounds attempted since the page loaded (read by the Playwright tests). */
    __tableroBeeps?: number;
  }
}
