// Headers on every reply. The CSP keeps the page from being framed (the mic page must never sit inside another
// site's iframe), allows the VAD's WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval') and, with Google sign-in,
// Google Identity Services' script, iframe and styles. Permissions-Policy lets only our own page ask for the mic.
import type { ServerResponse } from 'node:http';

const GIS_ORIGIN = 'https://accounts.google.com';

export function contentSecurityPolicy(options: { googleSignIn: boolean }): string {
  const gis = options.googleSignIn ? ` ${GIS_ORIGIN}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${gis ? `${gis}/gsi/client` : ''}`,
    "worker-src 'self' blob:",
    `connect-src 'self' ws: wss:${gis ? `${gis}/gsi/` : ''}`,
    // React and the GIS button set inline styles.
    `style-src 'self' 'unsafe-inline'${gis ? `${gis}/gsi/style` : ''}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `frame-src ${gis ? `${GIS_ORIGIN}/gsi/` : "'none'"}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export function setSecurityHeaders(response: ServerResponse, csp: string): void {
  response.setHeader('content-security-policy', csp);
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('permissions-policy', 'microphone=(self), camera=(), geolocation=(), payment=()');
  // GIS's popup talks back to this page; anything stricter breaks the sign-in popup.
  response.setHeader('cross-origin-opener-policy', 'same-origin-allow-popups');
}
