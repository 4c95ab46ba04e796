/** Reading what the observability tests need: the endpoint a command announced, its metrics, its JSON lines. */
import assert from 'node:assert/strict';

/** Every stderr line parsed as one JSON object (a line that does not parse fails the test). */
export function jsonLines(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l !== '').map((l) => {
    const parsed: unknown = JSON.parse(l);
    assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), l);
    return Object.fromEntries(Object.entries(parsed));
  });
}

/** The URL of `metrics: serving URL` once a JSON line announced it. */
export function servedUrl(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.includes('"metrics: serving ')) continue;
    const url = (JSON.parse(line) as { url?: unknown }).url;
    if (typeof url === 'string') return url;
  }
  return undefined;
}

export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of one series in Prometheus' text format (labels matched exactly, in any order). */
export function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}
