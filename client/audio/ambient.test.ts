// AmbientCrowd against a stand-in for the slice of Web Audio it uses (Node has no AudioContext): the
// stand-in records connections and automation so the tests read what the browser would be told.
import { describe, expect, it } from 'vitest';
import {
  AmbientCrowd,
  ambientSoundsPlayed,
  type CrowdBuffer,
  type CrowdBufferSource,
  type CrowdContext,
  type CrowdGain,
  type CrowdNode,
  type CrowdParam,
  MAX_OVERLAPPING_SOUNDS,
} from './ambient.js';
import { DUCKED_LEVEL, MAX_CROWD_GAIN } from './ambient-choice.js';
import { peakOf } from './ambient-dsp.js';

type Automation = { kind: 'cancel' | 'set' | 'target'; value: number; atS: number; timeConstantS?: number };

class FakeParam implements CrowdParam {
  value = 1;
  readonly events: Automation[] = [];
  cancelScheduledValues(atS: number) {
    this.events.push({ kind: 'cancel', value: Number.NaN, atS });
  }
  setValueAtTime(value: number, atS: number) {
    this.events.push({ kind: 'set', value, atS });
  }
  setTargetAtTime(value: number, atS: number, timeConstantS: number) {
    this.events.push({ kind: 'target', value, atS, timeConstantS });
  }
  lastTarget() {
    return this.events.filter((event) => event.kind === 'target').at(-1);
  }
}

class FakeNode implements CrowdNode {
  readonly connections: CrowdNode[] = [];
  disconnected = false;
  connect(destination: CrowdNode) {
    this.connections.push(destination);
  }
  disconnect() {
    this.disconnected = true;
  }
}

class FakeGain extends FakeNode implements CrowdGain {
  readonly gain = new FakeParam();
}

class FakeBuffer implements CrowdBuffer {
  samples = new Float32Array(0);
  constructor(readonly sampleRateHz: number) {}
  copyToChannel(source: Float32Array<ArrayBuffer>) {
    this.samples = source.slice();
  }
}

class FakeSource extends FakeNode implements CrowdBufferSource {
  buffer: CrowdBuffer | null = null;
  onended: ((event: Event) => void) | null = null;
  startedAtS: number | null = null;
  stopAtS: number | null = null;
  start(atS = 0) {
    this.startedAtS = atS;
  }
  stop(atS = 0) {
    this.stopAtS = atS;
  }
  end() {
    this.onended?.(new Event('ended'));
  }
}

class FakeContext implements CrowdContext {
  currentTime = 0;
  state: AudioContextState = 'running';
  readonly destination = new FakeNode();
  readonly gains: FakeGain[] = [];
  readonly sources: FakeSource[] = [];
  resumes = 0;
  createGain() {
    const gain = new FakeGain();
    this.gains.push(gain);
    return gain;
  }
  createBuffer(_channels: number, _length: number, sampleRateHz: number) {
    return new FakeBuffer(sampleRateHz);
  }
  createBufferSource() {
    const source = new FakeSource();
    this.sources.push(source);
    return source;
  }
  async resume() {
    this.resumes++;
    this.state = 'running';
  }
  async close() {
    this.state = 'closed';
  }
  get bus(): FakeGain {
    return this.gains[0]!;
  }
}

function setup(enabled: boolean) {
  const contexts: FakeContext[] = [];
  const crowd = new AmbientCrowd({
    enabled,
    seed: 1,
    pause: async () => {},
    createContext: () => {
      const context = new FakeContext();
      contexts.push(context);
      return context;
    },
  });
  return { crowd, contexts, context: () => contexts[0]! };
}

const LAUGH = { sentiment: 0.8, reaction: '*big laugh*' };

describe('AmbientCrowd', () => {
  it('stays silent and creates no AudioContext while off', async () => {
    const { crowd, contexts } = setup(false);
    expect(await crowd.play(LAUGH)).toBe(false);
    expect(contexts).toHaveLength(0);
    expect(crowd.soundsPlayed).toBe(0);
  });

  it('creates its context on the first sound and plays a quiet buffer through the bus', async () => {
    const { crowd, contexts, context } = setup(true);
    expect(contexts).toHaveLength(0);
    const before = ambientSoundsPlayed();
    expect(await crowd.play(LAUGH)).toBe(true);
    expect(contexts).toHaveLength(1);
    const source = context().sources[0]!;
    expect(source.startedAtS).not.toBeNull();
    const buffer = source.buffer as FakeBuffer;
    expect(buffer.samples.length).toBeGreaterThan(0);
    expect(peakOf(buffer.samples)).toBeLessThanOrEqual(MAX_CROWD_GAIN);
    // source → its own gain → bus → speakers
    const soundGain = source.connections[0] as FakeGain;
    expect(soundGain.connections[0]).toBe(context().bus);
    expect(context().bus.connections[0]).toBe(context().destination);
    expect(context().bus.gain.value).toBe(1);
    expect(crowd.soundsPlayed).toBe(1);
    expect(ambientSoundsPlayed()).toBe(before + 1);
    await crowd.play({ sentiment: -0.6, reaction: '*groans*' });
    expect(contexts).toHaveLength(1);
    expect(crowd.soundsPlayed).toBe(2);
  });

  it('releases a sound’s nodes when it ends', async () => {
    const { crowd, context } = setup(true);
    await crowd.play(LAUGH);
    expect(crowd.activeSounds).toBe(1);
    const source = context().sources[0]!;
    source.end();
    expect(crowd.activeSounds).toBe(0);
    expect(source.disconnected).toBe(true);
    expect((source.connections[0] as FakeGain).disconnected).toBe(true);
    expect(source.onended).toBeNull();
    expect(context().bus.disconnected).toBe(false);
  });

  it('ducks under the partner quickly and comes back slowly', async () => {
    const { crowd, context } = setup(true);
    crowd.setPartnerSpeaking(true);
    expect(crowd.busLevel).toBe(DUCKED_LEVEL);
    await crowd.play(LAUGH);
    // A bus made while the partner talks starts ducked.
    expect(context().bus.gain.value).toBe(DUCKED_LEVEL);
    context().currentTime = 2;
    crowd.setPartnerSpeaking(false);
    const up = context().bus.gain.lastTarget()!;
    expect(up).toMatchObject({ value: 1, atS: 2 });
    context().currentTime = 3;
    crowd.setPartnerSpeaking(true);
    const down = context().bus.gain.lastTarget()!;
    expect(down).toMatchObject({ value: DUCKED_LEVEL, atS: 3 });
    expect(down.timeConstantS!).toBeLessThan(up.timeConstantS!);
    // Each change first holds the current value, so a duck never jumps.
    expect(
      context()
        .bus.gain.events.slice(-3)
        .map((event) => event.kind),
    ).toEqual(['cancel', 'set', 'target']);
  });

  it('fades to silence within 100 ms when turned off, stops its sounds and drops one still rendering', async () => {
    const { crowd, context } = setup(true);
    await crowd.play(LAUGH);
    context().currentTime = 5;
    const rendering = crowd.play({ sentiment: 0.5, reaction: '*laughter*' });
    crowd.setEnabled(false);
    const fade = context().bus.gain.lastTarget()!;
    expect(fade.value).toBe(0);
    expect(fade.atS).toBe(5);
    expect(5 * fade.timeConstantS!).toBeLessThanOrEqual(0.1);
    expect(context().sources[0]!.stopAtS).toBeLessThanOrEqual(5.1);
    expect(await rendering).toBe(false);
    expect(context().sources).toHaveLength(1);
    expect(await crowd.play(LAUGH)).toBe(false);
  });

  it('resumes a suspended context when turned back on (the toggle click is the user gesture)', async () => {
    const { crowd, context } = setup(true);
    await crowd.play(LAUGH);
    crowd.setEnabled(false);
    context().state = 'suspended';
    crowd.setEnabled(true);
    expect(context().resumes).toBe(1);
    expect(context().bus.gain.lastTarget()!.value).toBe(1);
  });

  it('lets at most two sounds ring: a third fades the oldest', async () => {
    const { crowd, context } = setup(true);
    for (let index = 0; index < MAX_OVERLAPPING_SOUNDS + 1; index++) await crowd.play(LAUGH);
    const [oldest, second, newest] = context().sources;
    expect(oldest!.stopAtS).not.toBeNull();
    expect((oldest!.connections[0] as FakeGain).gain.lastTarget()!.value).toBe(0);
    expect(second!.stopAtS).toBeNull();
    expect(newest!.stopAtS).toBeNull();
  });

  it('dispose stops everything, releases every node and closes the context', async () => {
    const { crowd, context } = setup(true);
    await crowd.play(LAUGH);
    await crowd.play(LAUGH);
    await crowd.dispose();
    expect(context().state).toBe('closed');
    expect(crowd.activeSounds).toBe(0);
    expect(context().sources.every((source) => source.disconnected && source.stopAtS !== null)).toBe(true);
    expect(context().bus.disconnected).toBe(true);
    expect(await crowd.play(LAUGH)).toBe(false);
  });

  it('stays silent, without throwing, where there is no Web Audio', async () => {
    const crowd = new AmbientCrowd({
      enabled: true,
      pause: async () => {},
      createContext: () => {
        throw new ReferenceError('AudioContext is not defined');
      },
    });
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(await crowd.play(LAUGH)).toBe(false);
    } finally {
      console.warn = warn;
    }
    expect(crowd.soundsPlayed).toBe(0);
  });
});
