// WebSocket Origin policy. Browsers always send Origin on a WebSocket handshake, and cookies
// ride along cross-site, so a foreign page could otherwise open a socket with the viewer's
// session (cross-site WebSocket hijacking). Clients without Origin are not browsers and need a
// session or kiosk token anyway.

function normalize(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const o = normalize(origin);
  if (o === null) return false;
  if (allowed.some((a) => normalize(a) === o)) return true;
  if (host === undefined) return false;
  const url = new URL(o);
  // Parse the Host header in the origin's scheme so default ports compare equal (`x:443` = `x`).
  const self = normalize(`${url.protocol}//${host}`);
  return self === o;
}
