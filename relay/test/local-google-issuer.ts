// A stand-in for Google's sign-in on loopback: its own RSA key, its keys published as Google publishes them
// (a JSON map kid → PEM at a certs URL), and ID tokens signed like Google's. The relay verifies these through the
// same google-auth-library code as real ones (GOOGLE_CERTS_URL and GOOGLE_ISSUERS point it here). No internet.
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalIssuer {
  issuer: string;
  certsUrl: string;
  /** An ID token for this player, as GIS hands the browser one. */
  idToken(claims: IdTokenClaims, options?: { audience?: string; expiresInS?: number; key?: 'own' | 'foreign' }): string;
  close(): Promise<void>;
}

export interface IdTokenClaims {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  hd?: string;
}

export const LOCAL_ISSUER_KID = 'local-issuer-key-1';

export async function startLocalIssuer(clientId: string): Promise<LocalIssuer> {
  const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certs = JSON.stringify({ [LOCAL_ISSUER_KID]: own.publicKey.export({ type: 'spki', format: 'pem' }) });
  const server: Server = createServer((request, response) => {
    if (request.url === '/oauth2/v1/certs') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      response.end(certs);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: base,
    certsUrl: `${base}/oauth2/v1/certs`,
    idToken: (claims, options = {}) => {
      const nowS = Math.floor(Date.now() / 1000);
      const payload = {
        iss: base,
        aud: options.audience ?? clientId,
        iat: nowS,
        exp: nowS + (options.expiresInS ?? 3600),
        email_verified: true,
        ...claims,
      };
      return signJwt(payload, options.key === 'foreign' ? foreign.privateKey : own.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function signJwt(payload: object, key: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const body = `${encode({ alg: 'RS256', kid: LOCAL_ISSUER_KID, typ: 'JWT' })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(body).sign(key).toString('base64url');
  return `${body}.${signature}`;
}
