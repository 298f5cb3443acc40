import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneHoldHandler } from './scene-hold-route.js';

const SESSION = '3f0c1b9e-7d2a-4c1e-9b7a-2d1f0e6c5a4b';

async function serve(held: Set<string>, maxHoldMs = 60_000): Promise<{ server: Server; base: string }> {
  const handler = createSceneHoldHandler({ isHeld: (id) => held.has(id), maxHoldMs, keepaliveMs: 50 });
  const server = createServer((request, response) => handler(request, response, new URL(request.url!, 'http://x')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Reads the body until it ends; resolves with its text. */
async function readToEnd(reply: Response): Promise<string> {
  return await reply.text();
}

describe('GET /api/scene-hold', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('refuses a malformed id (400) and a scene this instance does not hold (404), with error codes', async () => {
    const { server, base } = await serve(new Set());
    servers.push(server);
    const bad = await fetch(`${base}/api/scene-hold?session=..%2F`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('message.invalid');
    const missing = await fetch(`${base}/api/scene-hold?session=${SESSION}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('session.not_found');
  });

  it('stays open with keepalive bytes while the scene is held and ends once it is not', async () => {
    const held = new Set([SESSION]);
    const { server, base } = await serve(held);
    servers.push(server);
    const reply = await fetch(`${base}/api/scene-hold?session=${SESSION}`);
    expect(reply.status).toBe(200);
    const body = readToEnd(reply);
    let ended = false;
    void body.then(() => (ended = true));
    // Open for well over the keepalive period while the scene lives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ended).toBe(false);
    held.delete(SESSION);
    const text = await body;
    expect(text.startsWith('held\n')).toBe(true);
    expect(text).toContain('.');
    expect(text.endsWith('released\n')).toBe(true);
  });

  it('keeps one hold per scene (a second replaces the first) and ends at the hold limit', async () => {
    const { server, base } = await serve(new Set([SESSION]), 400);
    servers.push(server);
    const first = await fetch(`${base}/api/scene-hold?session=${SESSION}`);
    const firstBody = readToEnd(first);
    const second = await fetch(`${base}/api/scene-hold?session=${SESSION}`);
    expect((await firstBody).endsWith('released\n')).toBe(true);
    const startedMs = performance.now();
    expect((await readToEnd(second)).endsWith('released\n')).toBe(true);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(300);
  });
});
