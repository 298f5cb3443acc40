import { describe, expect, it } from 'vitest';
import { checkTarget } from './target.js';

describe('--target', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(checkTarget('https://relay.example.com/some/path')).toBe('https://relay.example.com');
    expect(checkTarget('http://127.0.0.1:8813')).toBe('http://127.0.0.1:8813');
    expect(() => checkTarget('http://relay.example.com')).toThrow(/https/);
    expect(() => checkTarget('ws://127.0.0.1:8813')).toThrow(/https/);
  });
});
