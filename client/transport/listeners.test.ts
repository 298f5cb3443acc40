// ListenerSet: add → unsubscribe, emit in order with typed arguments, and one throwing listener
// isolated from the others and from the emitter, its error reported rather than swallowed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ListenerSet, reportListenerError } from './listeners.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ListenerSet', () => {
  it('calls listeners in the order added, with every argument, until each unsubscribes', () => {
    const set = new ListenerSet<[state: string, reason?: string]>();
    const heard: string[] = [];
    const offFirst = set.add((state, reason) => heard.push(`first ${state} ${reason}`));
    set.add((state) => heard.push(`second ${state}`));
    set.emit('closed', 'bye');
    expect(heard).toEqual(['first closed bye', 'second closed']);

    offFirst();
    offFirst(); // a second unsubscribe is harmless
    set.emit('open');
    expect(heard.slice(2)).toEqual(['second open']);
    expect(set.size).toBe(1);
  });

  it('registers the same function once, and skips a listener removed during emit before its turn', () => {
    const set = new ListenerSet<[n: number]>();
    const heard: string[] = [];
    const twice = (n: number) => heard.push(`twice ${n}`);
    set.add(twice);
    set.add(twice);
    let offLast = () => {};
    set.add(() => offLast());
    offLast = set.add((n) => heard.push(`last ${n}`));
    set.emit(1);
    expect(heard).toEqual(['twice 1']);
    expect(set.size).toBe(2);
  });

  it('keeps calling the others when one throws, and hands the error to onListenerError', () => {
    const errors: unknown[] = [];
    const set = new ListenerSet<[frame: Uint8Array]>({ onListenerError: (error) => errors.push(error) });
    const heard: number[] = [];
    const bug = new Error('listener bug');
    set.add(() => {
      throw bug;
    });
    set.add((frame) => heard.push(frame.length));
    expect(() => set.emit(new Uint8Array(3))).not.toThrow();
    expect(heard).toEqual([3]);
    expect(errors).toEqual([bug]);
  });

  it('reports through the platform reportError when there is one (browsers)', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    const bug = new Error('listener bug');
    const set = new ListenerSet<[]>();
    set.add(() => {
      throw bug;
    });
    set.emit();
    expect(reported).toEqual([bug]);
  });

  it('without reportError (Node 20) rethrows on a microtask, so the error still surfaces as uncaught', async () => {
    expect((globalThis as { reportError?: unknown }).reportError).toBeUndefined();
    const bug = new Error('listener bug');
    const rethrown: unknown[] = [];
    // queueMicrotask is ours to observe here: run the task it is given and catch what it throws.
    vi.stubGlobal('queueMicrotask', (task: () => void) => {
      try {
        task();
      } catch (error) {
        rethrown.push(error);
      }
    });
    reportListenerError(bug);
    expect(rethrown).toEqual([bug]);
  });
});
