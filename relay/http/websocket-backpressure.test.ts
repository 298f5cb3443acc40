// A client that stops reading: control messages queue in the socket; past the bound the socket is closed instead.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { silentLogger } from '../log.js';
import { WebSocketClientConnection } from './websocket-connection.js';

/** The part of ws's WebSocket the connection uses; bufferedAmount grows with every send (nobody reads). */
class StalledSocket extends EventEmitter {
  bufferedAmount = 0;
  terminated = false;
  send(data: string | Uint8Array) {
    this.bufferedAmount += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
  terminate() {
    this.terminated = true;
  }
  close() {}
  ping() {}
}

describe('WebSocket control backpressure', () => {
  it('closes a connection whose client stopped reading, instead of queueing without bound', () => {
    const socket = new StalledSocket();
    const connection = new WebSocketClientConnection(
      socket as unknown as WebSocket,
      32 * 1024,
      silentLogger,
      undefined,
      64 * 1024,
    );
    const closed: string[] = [];
    connection.onClose((reason) => closed.push(reason));
    for (let t = 0; t < 100_000 && connection.isOpen; t++) connection.sendControl({ type: 'pong', t });
    expect(connection.isOpen).toBe(false);
    expect(socket.terminated).toBe(true);
    expect(socket.bufferedAmount).toBeLessThan(64 * 1024 + 100);
    expect(closed[0]).toMatch(/limit.backpressure/);
  });
});
