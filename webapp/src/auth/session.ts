// The bearer token the API's `login` gave, kept in this browser's storage for
// this spa's host only (storage is per origin). No cookie: the API reads none.
const KEY = "medspa.session";

export type Stored = { token: string; expiresAt: string | null };

export function readSession(now: Date = new Date()): Stored | null {
  const raw = window.localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const stored = JSON.parse(raw) as Stored;
    if (typeof stored.token !== "string" || !stored.token) return null;
    if (stored.expiresAt && new Date(stored.expiresAt) <= now) {
      window.localStorage.removeItem(KEY);
      return null;
    }
    return stored;
  } catch {
    window.localStorage.removeItem(KEY);
    return null;
  }
}

export function writeSession(token: string, expiresAt: string | null): void {
  window.localStorage.setItem(KEY, JSON.stringify({ token, expiresAt }));
}

export function clearSession(): void {
  window.localStorage.removeItem(KEY);
}
