import type { ConnectionState } from '../connection/connection-machine.js';
import { useAppStore } from './app-context.js';

/** Words shown for each state. The e2e reads data-state; people read the text. */
export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  closed: 'not connected',
};

const DOT_CLASSES: Record<ConnectionState, string> = {
  idle: 'bg-stone-500',
  connecting: 'bg-amber-400 motion-safe:animate-pulse',
  connected: 'bg-emerald-400',
  reconnecting: 'bg-amber-400 motion-safe:animate-pulse',
  closed: 'bg-stone-500',
};

export function ConnectionIndicator() {
  const state = useAppStore('connection', (s) => s.state);
  const rttMs = useAppStore('connection', (s) => s.rttMs);
  // Which transport carries the scene (WebRTC, or the WebSocket fallback); unobtrusive, for the curious.
  const transport = useAppStore('connection', (s) => s.transport ?? null);
  // Only where a connection matters: while a scene connects, plays or reconnects. Idle pages show nothing.
  if (state === 'idle' || state === 'closed') return null;
  return (
    <div className="flex items-center gap-2">
      {state === 'connected' && rttMs !== null ? (
        <span className="hidden text-xs text-stone-400 tabular-nums sm:inline" title="Round trip to the stage server">
          {rttMs} ms
        </span>
      ) : null}
      <div
        role="status"
        aria-label="Connection"
        data-transport={transport ?? undefined}
        className="inline-flex items-center gap-2 rounded-full border border-stone-700 bg-stone-900/80 px-3 py-1 text-sm text-stone-300"
      >
        <span aria-hidden="true" className={`size-2.5 rounded-full ${DOT_CLASSES[state]}`} />
        <span data-state={state}>{CONNECTION_LABELS[state]}</span>
        {transport ? (
          <span className="text-xs text-stone-400" title="How this page reaches the stage server">
            {transport === 'websocket' ? 'WebSocket' : 'WebRTC'}
          </span>
        ) : null}
      </div>
    </div>
  );
}
