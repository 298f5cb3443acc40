// A scene over the WebSocket fallback, for tests that run many scenes (the leak test) or abuse the relay.
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import { type ClientMessage, parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';

export interface WsClient {
  ws: WebSocket;
  messages: RelayMessage[];
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(message: ClientMessage): void;
  /** Resolves with the first message (already received or later) that matches, or rejects after timeoutMs. */
  waitFor<T extends RelayMessage>(match: (m: RelayMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (m: RelayMessage) => boolean, timeoutMs?: number): Promise<RelayMessage>;
  /** One utterance: start, its frames unpaced, end. */
  speak(utteranceId: number, packets: Uint8Array[]): void;
  close(): void;
}

export function openWsClient(
  relayUrl: string,
  options: { headers?: Record<string, string>; localAddress?: string } = {},
): Promise<WsClient> {
  const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/api/ws`, {
    headers: options.headers,
    localAddress: options.localAddress,
  });
  const messages: RelayMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) return;
    const parsed = parseRelayMessage(data.toString());
    if (parsed.ok) messages.push(parsed.value);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  void closed.then(() => {
    for (const wake of waiters) wake();
  });
  const send = (message: ClientMessage) => ws.send(JSON.stringify(message));
  const client: WsClient = {
    ws,
    messages,
    closed,
    send,
    waitFor: (match: (m: RelayMessage) => boolean, timeoutMs = 10_000) =>
      new Promise<RelayMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            done();
            resolve(found);
          } else if (ws.readyState === WebSocket.CLOSED) {
            done();
            reject(new Error(`closed before the message came; got ${messages.map((m) => m.type).join(',')}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching message in ${timeoutMs} ms; got ${messages.map((m) => m.type).join(',')}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    speak: (utteranceId, packets) => {
      send({ type: 'utterance.start', utteranceId });
      packets.forEach((payload, seq) => {
        const flags = seq === 0 ? FrameFlag.Start : 0;
        ws.send(encodeFrame({ flags, streamId: utteranceId, seq, timestampMs: seq * 20, payload }));
      });
      send({ type: 'utterance.end', utteranceId, frameCount: packets.length });
    },
    close: () => ws.close(),
  } as WsClient;
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

export const hello = (extra: Partial<Extract<ClientMessage, { type: 'hello' }>> = {}): ClientMessage => ({
  type: 'hello',
  protocolVersion: PROTOCOL_VERSION,
  ...extra,
});
