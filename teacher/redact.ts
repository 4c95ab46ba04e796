/** Keeps secrets out of anything the teacher throws or logs. */

const BEARER = /(bearer\s+)[^\s"',;]+/gi;
const KEY_LIKE = /\b(sk|rk|pk)-[A-Za-z0-9_-]{6,}/g;

/** Removes `secret` (and anything shaped like an API key or bearer token) from `text`, then trims it to one short line. */
export function redact(text: string, secret: string, maxChars = 300): string {
  let out = text;
  if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out.replace(BEARER, '$1[redacted]').replace(KEY_LIKE, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}
