import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { silentLogger } from '../log.js';
import { createHttpServer } from './http-server.js';
import { readJsonBody, sendJson } from './respond.js';
import { Router } from './router.js';
import { createStaticHandler } from './static-files.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'export {};');
  writeFileSync(join(dir, 'assets', 'ort.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(dir, 'worklet.mjs'), 'export {};');
  writeFileSync(join(dir, 'silero_vad.onnx'), Buffer.from([1, 2, 3]));
  const router = new Router()
    .add('GET', '/api/hello', (_req, res) => sendJson(res, 200, { hello: 'world' }))
    .add('POST', '/api/echo', async (req, res) => sendJson(res, 200, await readJsonBody(req, 64)))
    .add('GET', '/api/sessions/*', (_req, res, url) => sendJson(res, 200, { path: url.pathname }))
    .add('GET', '/api/fail', () => {
      throw new AppError('session.not_found', 'no such session', 404);
    })
    .add('GET', '/api/crash', () => {
      throw new Error('secret internals');
    });
  server = createHttpServer(router, createStaticHandler(dir), silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('router', () => {
  it('routes exact and prefix paths, and answers 405/404 with coded JSON', async () => {
    expect(await (await fetch(`${base}/api/hello`)).json()).toEqual({ hello: 'world' });
    expect(await (await fetch(`${base}/api/sessions/abc`)).json()).toEqual({ path: '/api/sessions/abc' });
    const wrongMethod = await fetch(`${base}/api/hello`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    const missing = await fetch(`${base}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'message.invalid' } });
  });

  it('turns thrown errors into HttpError JSON without internals', async () => {
    const typed = await fetch(`${base}/api/fail`);
    expect(typed.status).toBe(404);
    expect(await typed.json()).toEqual({ error: { code: 'session.not_found', message: 'no such session' } });
    const crash = await fetch(`${base}/api/crash`);
    expect(crash.status).toBe(500);
    const body = await crash.text();
    expect(body).toContain('"internal"');
    expect(body).not.toContain('secret');
  });

  it('limits and validates JSON bodies', async () => {
    const ok = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await ok.json()).toEqual({ a: 1 });
    const big = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(100) }),
    });
    expect(big.status).toBe(413);
    const bad = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(await bad.json()).toMatchObject({ error: { code: 'message.malformed' } });
  });
});

describe('static files', () => {
  it('serves the right MIME types and cache headers', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/', 'text/html; charset=utf-8', /no-cache/],
      ['/assets/main-abc123.js', 'text/javascript; charset=utf-8', /immutable/],
      ['/assets/ort.wasm', 'application/wasm', /immutable/],
      ['/worklet.mjs', 'text/javascript; charset=utf-8', /max-age=3600/],
      ['/silero_vad.onnx', 'application/octet-stream', /max-age=3600/],
    ];
    for (const [path, type, cache] of cases) {
      const reply = await fetch(`${base}${path}`);
      expect(reply.status, path).toBe(200);
      expect(reply.headers.get('content-type'), path).toBe(type);
      expect(reply.headers.get('cache-control'), path).toMatch(cache);
      await reply.arrayBuffer();
    }
  });

  it('falls back to index.html for app routes but 404s missing files and escapes', async () => {
    const route = await fetch(`${base}/scene/freeze-tag`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>app</title>');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
    expect((await fetch(`${base}/api/unknown`)).status).toBe(404);
  });
});
