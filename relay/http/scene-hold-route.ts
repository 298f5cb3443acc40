// GET /api/scene-hold?session=ID: one long-lived HTTP response per live scene, so Cloud Run never sees an instance
// with live scenes as idle. A scene on WebRTC streams over data channels, not over HTTP, and Cloud Run scales in
// (and stops billing CPU for) instances that serve no request: without this, scale-in would cut WebRTC scenes.
// The response ends when the scene is gone from this instance (ended, handed off) or after MAX_HOLD_MS; the
// browser's keeper (client/connection/scene-hold.ts) opens a new one while its scene plays.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './respond.js';

export const SCENE_HOLD_PATH = '/api/scene-hold';
/** Under Cloud Run's 3600 s request timeout, so the hold ends on our terms and the keeper reopens it. */
export const MAX_HOLD_MS = 3_300_000;
/** A byte now and then keeps proxies from closing an idle response (Cloud Run's front end, corporate proxies). */
const KEEPALIVE_MS = 15_000;
/** How often a hold checks that its scene is still on this instance. */
const CHECK_MS = 1_000;
const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface SceneHoldOptions {
  /** True while the scene is live (or waiting for its browser) on this instance. */
  isHeld(sessionId: string): boolean;
  maxHoldMs?: number;
  keepaliveMs?: number;
}

export function createSceneHoldHandler(options: SceneHoldOptions) {
  // One hold per scene: a second one (a reload, a retry) replaces the first, so holds never outnumber scenes.
  const holds = new Map<string, () => void>();
  return (request: IncomingMessage, response: ServerResponse, url: URL): void => {
    const sessionId = url.searchParams.get('session') ?? '';
    if (!SESSION_ID.test(sessionId)) {
      sendError(response, 400, 'message.invalid', 'scene-hold needs ?session=<the scene id from welcome>');
      return;
    }
    if (!options.isHeld(sessionId)) {
      // Best-effort affinity sent the hold elsewhere, or the scene moved: the keeper retries.
      sendError(response, 404, 'session.not_found', 'no live scene with this id on this instance');
      return;
    }
    holds.get(sessionId)?.();
    response.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    response.write('held\n');
    const keepalive = setInterval(() => response.write('.'), options.keepaliveMs ?? KEEPALIVE_MS);
    const check = setInterval(() => {
      if (!options.isHeld(sessionId)) release();
    }, CHECK_MS);
    const limit = setTimeout(release, options.maxHoldMs ?? MAX_HOLD_MS);
    function release(): void {
      clearInterval(keepalive);
      clearInterval(check);
      clearTimeout(limit);
      if (holds.get(sessionId) === release) holds.delete(sessionId);
      if (!response.writableEnded) response.end('released\n');
    }
    holds.set(sessionId, release);
    request.once('close', release);
  };
}
