// The offline Gemini: an HTTP server whose WebSocket endpoint speaks the subset of Live's
// BidiGenerateContent protocol the relay uses. Point the unchanged SDK at it with
//   new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } })
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { LiveConnection, type RecordedClientContent, type RecordedSetup } from './connection.js';
import { ConversationStore } from './conversations.js';
import { handleGetModel } from './models.js';
import { applyOverrides, connectionDefaults, type LiveEmulatorOptions, urlPairs } from './options.js';
import { handleRest } from './rest.js';
import { IMPROV_LINES } from './script.js';
import { SpeechSynthesizer } from './tts.js';
import { DEFAULT_VOICE_NAME } from './voices.js';

export type { RecordedClientContent, RecordedSetup } from './connection.js';
export type { LiveEmulatorOptions } from './options.js';

export interface LiveEmulator {
  port: number;
  /** http://HOST:PORT — the SDK's `httpOptions.baseUrl`. */
  url: string;
  /** Every setup received, in order (for tests that check what the relay configured). */
  readonly setups: readonly RecordedSetup[];
  /** Every clientContent message received, in order (e.g. the relay's stage directions). */
  readonly clientContents: readonly RecordedClientContent[];
  /** Resolves when the scripted lines for the warm voices are synthesized (replies never wait on them after). */
  readonly warmed: Promise<void>;
  close(): Promise<void>;
}

/** The Live WebSocket path; the SDK may produce `//ws/...` when baseUrl ends with `/`. */
const LIVE_PATH =
  /^\/+ws\/google\.ai\.generativelanguage\.[^/]+\.GenerativeService\.BidiGenerateContent(Constrained)?$/;

const MAX_RECORDED_SETUPS = 1_000;

export async function startLiveEmulator(options: LiveEmulatorOptions = {}): Promise<LiveEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const synthesizer = new SpeechSynthesizer();
  const conversations = new ConversationStore();
  const setups: RecordedSetup[] = [];
  const clientContents: RecordedClientContent[] = [];
  const defaults = connectionDefaults(options);

  // Synthesis runs in its worker while the server already accepts connections.
  const warmVoices = options.warmVoices ?? [DEFAULT_VOICE_NAME];
  const warmed = Promise.all(warmVoices.map((voice) => synthesizer.warm(IMPROV_LINES, voice))).then(() => undefined);
  let closing = false;
  warmed.catch((error: unknown) => {
    if (!closing) log(`pre-synthesis failed: ${error instanceof Error ? error.message : error}`);
  });

  // REST text calls (generateContent, for the audience and coach): see rest.ts.
  // `GET models/{name}` (the relay's startup check, models.ts), then generateContent (rest.ts).
  const http = createServer((request, response) => {
    // For tests in other processes (e2e): what the relay told Live as client content (stage directions, history).
    if (request.method === 'GET' && request.url === '/debug/client-contents') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(clientContents));
      return;
    }
    if (!handleGetModel(request, response)) handleRest(request, response, log, synthesizer);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  http.on('upgrade', (request, socket, head) => {
    // Concatenated, not resolved: a `//ws/...` path would otherwise parse as a host named "ws".
    const url = new URL(`http://emulator${request.url ?? '/'}`);
    if (!LIVE_PATH.test(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connectionOptions = applyOverrides(defaults, urlPairs(url));
      const connection = new LiveConnection(ws, connectionOptions, {
        synthesizer,
        conversations,
        onSetup: (setup) => {
          setups.push(setup);
          // A long-running dev emulator keeps only recent setups.
          if (setups.length > MAX_RECORDED_SETUPS) setups.shift();
        },
        onClientContent: (content) => {
          clientContents.push(content);
          if (clientContents.length > MAX_RECORDED_SETUPS) clientContents.shift();
        },
        log,
      });
      sockets.add(ws);
      ws.on('message', (data: RawData) => {
        try {
          connection.onFrame(rawDataToString(data));
        } catch (error) {
          // A bug in one connection's handling must not take the emulator down.
          log(`connection error: ${error instanceof Error ? error.stack : error}`);
          connection.onClosed();
          ws.close(1011, 'Internal error encountered.');
        }
      });
      ws.on('close', () => {
        sockets.delete(ws);
        connection.onClosed();
      });
      ws.on('error', (error) => log(`socket error: ${error.message}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log(`live emulator listening on ${host}:${port}`);

  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    setups,
    clientContents,
    warmed,
    async close() {
      closing = true;
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await synthesizer.close();
    },
  };
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
