/**
 * The dashboard's sign-in session: an AES-256-GCM sealed cookie (encrypted and authenticated,
 * so it can be neither read nor forged without the key), HttpOnly, Secure, SameSite=Lax. It
 * holds the GitHub login, the user's token (needed to re-check repository access) and an
 * expiry. No server-side store, so any replica can serve any request.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'freigabe_session';
export const STATE_COOKIE = 'freigabe_oauth_state';

/** A 32-byte key derived from the operator's secret (HKDF-SHA256), one per purpose. */
export function sessionKey(secret: string, purpose: 'session' | 'state'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'freigabe-dashboard', `freigabe ${purpose} cookie v1`, 32));
}

export function seal(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The sealed value, or undefined when the cookie was changed, cut or made with another key. */
export function unseal(key: Buffer, sealed: string): unknown {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function cookie(name: string, value: string, options: { path: string; maxAgeSeconds: number }): string {
  return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

export interface Session {
  readonly login: string;
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expires: number;
}

export function isSession(value: unknown): value is Session {
  const v = value as Partial<Session> | undefined;
  return typeof v?.login === 'string' && typeof v.token === 'string' && typeof v.expires === 'number';
}
