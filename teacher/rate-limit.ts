/** The `x-ratelimit-*` headers OpenAI sends (and the scripted teacher copies), parsed. */
import type { RateLimitInfo } from './types.ts';

/** `"1s"`, `"6m0s"`, `"20ms"`, `"1h2m3.5s"` or a bare number of seconds, in milliseconds. */
export function parseResetDuration(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(m[1]) * (unit[m[2]!] ?? 0);
    matched += m[0];
  }
  return matched === trimmed ? total : undefined;
}

/** The rate-limit headers of a response, or undefined when it carries none. */
export function rateLimitFromHeaders(headers: Headers | undefined): RateLimitInfo | undefined {
  if (headers === undefined) return undefined;
  const num = (name: string): number | undefined => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const info: RateLimitInfo = {};
  const set = <K extends keyof RateLimitInfo>(key: K, value: number | undefined): void => {
    if (value !== undefined) info[key] = value;
  };
  set('limitRequests', num('x-ratelimit-limit-requests'));
  set('remainingRequests', num('x-ratelimit-remaining-requests'));
  set('resetRequestsMs', parseResetDuration(headers.get('x-ratelimit-reset-requests')));
  set('limitTokens', num('x-ratelimit-limit-tokens'));
  set('remainingTokens', num('x-ratelimit-remaining-tokens'));
  set('resetTokensMs', parseResetDuration(headers.get('x-ratelimit-reset-tokens')));
  return Object.keys(info).length === 0 ? undefined : info;
}
