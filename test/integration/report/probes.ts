/**
 * What the Chromium test asks the page, as browser JavaScript text (this project's TypeScript has no DOM
 * types), and type guards for the answers, so nothing from the page is trusted by a cast.
 */

export interface CanvasProbe {
  name: string;
  /** Chart.getChart found a chart on the canvas. */
  chart: boolean;
  width: number;
  height: number;
  /** Pixels with any alpha: what the chart drew. */
  painted: number;
  /** Data points over all datasets of the chart. */
  points: number;
}

/** Per canvas: its chart name, whether Chart.js has a chart on it, its size, painted pixels and data points. */
export const CANVAS_PROBE = `[...document.querySelectorAll('canvas')].map((c) => {
  const ctx = c.getContext('2d');
  const pixels = ctx === null || c.width === 0 || c.height === 0 ? new Uint8ClampedArray() : ctx.getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  const chart = Chart.getChart(c);
  const points = chart === undefined ? 0 : chart.data.datasets.reduce((n, s) => n + s.data.filter((v) => v !== null).length, 0);
  return { name: c.getAttribute('data-chart') || '', chart: chart !== undefined, width: c.width, height: c.height, painted, points };
})`;

/** Set by the hostile instruction if any of it ran as script. */
export const PWNED_PROBE = 'typeof window.__pwned';

/** The page's full height in CSS pixels. */
export const HEIGHT_PROBE = 'document.documentElement.scrollHeight';

/** Resolves after two animation frames: Chart.js redraws on the frame after a resize. */
export const FRAMES_PROBE = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))';

/** True when nothing makes the page scroll sideways. */
export const WIDTH_PROBE = 'document.documentElement.scrollWidth <= window.innerWidth';

export function isCanvasProbes(value: unknown): value is CanvasProbe[] {
  return Array.isArray(value) && value.every((v: unknown) => {
    if (typeof v !== 'object' || v === null) return false;
    const o = new Map(Object.entries(v));
    return typeof o.get('name') === 'string' && typeof o.get('chart') === 'boolean' &&
      ['width', 'height', 'painted', 'points'].every((k) => typeof o.get(k) === 'number');
  });
}
