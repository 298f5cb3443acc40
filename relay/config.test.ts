import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_MODEL, DEFAULT_WS_KEEPALIVE_MS, loadConfig, productionProblems, upstreamKind } from './config.js';

describe('loadConfig', () => {
  it('has production defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.geminiApiKey).toBeUndefined();
    expect(config.geminiLiveModel).toBe(DEFAULT_LIVE_MODEL);
    expect(config.rtcBindAddress).toBeUndefined();
    expect(config.iceServers).toEqual([]);
    expect(config.staticDir).toBe('dist');
    expect(config.relaySecret).toMatch(/^[0-9a-f]{64}$/);
    expect(upstreamKind(config)).toBe('emulator');
    expect(config.turn).toBeUndefined();
    expect(config.wsKeepaliveMs).toBe(DEFAULT_WS_KEEPALIVE_MS);
  });

  it('reads the environment', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      GEMINI_API_KEY: 'k',
      RTC_BIND_ADDRESS: '127.0.0.1',
      ICE_SERVERS: 'stun:a:3478, stun:b:3478',
      MAX_SESSIONS: '7',
      RELAY_SECRET: 's3cret',
      LIVE_EMULATOR_URL: 'http://127.0.0.1:9999',
    });
    expect(config.port).toBe(0);
    expect(config.host).toBe('127.0.0.1');
    expect(upstreamKind(config)).toBe('gemini');
    expect(config.rtcBindAddress).toBe('127.0.0.1');
    expect(config.iceServers).toEqual([{ urls: 'stun:a:3478' }, { urls: 'stun:b:3478' }]);
    expect(config.maxSessions).toBe(7);
    expect(config.relaySecret).toBe('s3cret');
    expect(config.liveEmulatorUrl).toBe('http://127.0.0.1:9999');
  });

  it('parses JSON ice servers and rejects bad numbers', () => {
    const config = loadConfig({ ICE_SERVERS: '[{"urls":"turn:t:3478","username":"u","credential":"c"}]' });
    expect(config.iceServers).toEqual([{ urls: 'turn:t:3478', username: 'u', credential: 'c' }]);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MAX_SESSIONS: '0' })).toThrow(/MAX_SESSIONS/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('reads TURN: comma-separated URLs, the shared secret and a lifetime (one hour by default)', () => {
    const config = loadConfig({
      ICE_SERVERS: 'stun:stun.example.com:3478',
      TURN_URLS: ' turn:turn.example.com:3478?transport=udp , turns:turn.example.com:5349 ',
      TURN_SECRET: 'shh',
    });
    expect(config.iceServers).toEqual([{ urls: 'stun:stun.example.com:3478' }]);
    expect(config.turn).toEqual({
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
      secret: 'shh',
      ttlS: 3_600,
    });
    expect(loadConfig({ TURN_URLS: 'turn:t:3478', TURN_SECRET: 's', TURN_TTL_S: '600' }).turn?.ttlS).toBe(600);
  });

  it('refuses half a TURN setup or a bad TURN value at startup', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:t:3478' })).toThrow(/TURN_URLS is set but TURN_SECRET is not/);
    expect(() => loadConfig({ TURN_SECRET: 's' })).toThrow(/TURN_SECRET is set but TURN_URLS is not/);
    expect(() => loadConfig({ TURN_URLS: 'stun:t:3478', TURN_SECRET: 's' })).toThrow(/"stun:t:3478".*turn:host:port/);
    expect(() => loadConfig({ TURN_URLS: 'https://t', TURN_SECRET: 's' })).toThrow(/TURN_URLS entry/);
    expect(() => loadConfig({ TURN_URLS: 'turn:t', TURN_SECRET: 's', TURN_TTL_S: '30' })).toThrow(/TURN_TTL_S/);
  });

  it('reads the WebSocket keepalive interval; 0 turns it off', () => {
    expect(loadConfig({ WS_KEEPALIVE_MS: '20000' }).wsKeepaliveMs).toBe(20_000);
    expect(loadConfig({ WS_KEEPALIVE_MS: '0' }).wsKeepaliveMs).toBe(0);
    expect(() => loadConfig({ WS_KEEPALIVE_MS: 'often' })).toThrow(/WS_KEEPALIVE_MS/);
  });
});

describe('productionProblems', () => {
  const production = {
    NODE_ENV: 'production',
    GEMINI_API_KEY: 'key',
    GOOGLE_CLOUD_PROJECT: 'improv-prod',
    RELAY_SECRET: 'shared',
    AUTH_MODE: 'google',
    GOOGLE_CLIENT_ID: 'client.apps.googleusercontent.com',
  };

  it('lets a complete production environment (and any non-production one) start', () => {
    expect(productionProblems(loadConfig(production), production)).toEqual([]);
    expect(productionProblems(loadConfig({}), {})).toEqual([]);
  });

  it('names each missing production setting instead of falling back to the offline stand-ins', () => {
    const env = { NODE_ENV: 'production' };
    const problems = productionProblems(loadConfig(env), env);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/GEMINI_API_KEY[\s\S]*GOOGLE_CLOUD_PROJECT[\s\S]*AUTH_MODE[\s\S]*RELAY_SECRET/);
    const noClientId = { ...production, GOOGLE_CLIENT_ID: '' };
    expect(productionProblems(loadConfig(noClientId), noClientId)).toEqual([
      'AUTH_MODE=google but GOOGLE_CLIENT_ID is unset',
    ]);
  });
});
