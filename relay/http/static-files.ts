// Serves the built client (STATIC_DIR) with SPA fallback to index.html. Hashed assets are cached for a year,
// index.html never, so a deploy is picked up on the next load.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { sendError } from './respond.js';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wav': 'audio/wav',
  '.webmanifest': 'application/manifest+json',
};

// Vite puts content-hashed files under assets/; their names change whenever their bytes do.
const IMMUTABLE = /\/assets\//;

async function fileAt(path: string): Promise<{ path: string; size: number; mtime: Date } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtime: info.mtime } : null;
  } catch {
    return null;
  }
}

export function createStaticHandler(staticDir: string) {
  const root = resolve(staticDir);
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      sendError(response, 400, 'message.malformed', 'the path is not valid URL encoding');
      return;
    }
    const candidate = normalize(join(root, pathname));
    if (candidate !== root && !candidate.startsWith(root + sep)) {
      sendError(response, 404, 'internal', 'not found');
      return;
    }
    let file = await fileAt(candidate);
    if (!file && pathname.endsWith('/')) file = await fileAt(join(candidate, 'index.html'));
    // SPA fallback: client-side routes get index.html; a missing file with an extension is a real 404.
    if (!file && !extname(pathname)) file = await fileAt(join(root, 'index.html'));
    if (!file) {
      sendError(response, 404, 'internal', `no such file: ${pathname}`);
      return;
    }
    const type = MIME_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    const cacheControl =
      extname(file.path) === '.html'
        ? 'no-cache'
        : IMMUTABLE.test(file.path.slice(root.length))
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=3600';
    response.writeHead(200, {
      'content-type': type,
      'content-length': file.size,
      'cache-control': cacheControl,
      'last-modified': file.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file.path)
      .on('error', () => response.destroy())
      .pipe(response);
  };
}
