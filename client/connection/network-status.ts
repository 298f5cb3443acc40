// The browser's own idea of whether it is online. `offline` lets us notice a drop before the heartbeat
// does; `online` lets the first retry go at once, so audio is back within a second of the network.

export interface NetworkStatus {
  subscribe(listener: (online: boolean) => void): () => void;
}

type EventSource = Pick<Window, 'addEventListener' | 'removeEventListener'>;

export function browserNetworkStatus(target: EventSource): NetworkStatus {
  return {
    subscribe(listener) {
      const onOnline = () => listener(true);
      const onOffline = () => listener(false);
      target.addEventListener('online', onOnline);
      target.addEventListener('offline', onOffline);
      return () => {
        target.removeEventListener('online', onOnline);
        target.removeEventListener('offline', onOffline);
      };
    },
  };
}
