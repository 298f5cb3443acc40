import { describe, expect, it } from 'vitest';
import { AppNavigator, type NavigatorWindow } from './navigator.js';
import { hrefFor, isInAppClick, type LinkClick, matchRoute, type Route, sectionOf } from './routes.js';

describe('matchRoute', () => {
  it.each<[string, Route]>([
    ['/', { name: 'stage' }],
    ['', { name: 'stage' }],
    ['/history', { name: 'history' }],
    ['/history/', { name: 'history' }],
    ['/history/abc_DEF-123', { name: 'scene', sessionId: 'abc_DEF-123' }],
    ['/history/abc/', { name: 'scene', sessionId: 'abc' }],
    ['/history/abc%5Fdef', { name: 'scene', sessionId: 'abc_def' }],
    ['/history/abc/report', { name: 'report', sessionId: 'abc' }],
    ['/history/abc/report/', { name: 'report', sessionId: 'abc' }],
  ])('%s is %o', (pathname, route) => {
    expect(matchRoute(pathname)).toEqual(route);
  });

  it.each([
    '/histories',
    '/history/a/b',
    '/history/a/reports',
    '/history/report/x',
    '/history/bad%2Fid/report',
    '/history/bad%2Fid',
    '/history/%E0%A4%A',
    '/history/has space',
    `/history/${'x'.repeat(129)}`,
    '/stage',
    '//history',
  ])('%s is not a page', (pathname) => {
    expect(matchRoute(pathname)).toEqual({ name: 'not-found', pathname });
  });

  it('round-trips every page through hrefFor', () => {
    const routes: Route[] = [
      { name: 'stage' },
      { name: 'history' },
      { name: 'scene', sessionId: 'Sx_9-a' },
      { name: 'report', sessionId: 'Sx_9-a' },
    ];
    for (const route of routes) expect(matchRoute(hrefFor(route))).toEqual(route);
  });

  it('puts a scene detail under History in the nav', () => {
    expect(sectionOf({ name: 'scene', sessionId: 'a' })).toBe('history');
    expect(sectionOf({ name: 'report', sessionId: 'a' })).toBe('history');
    expect(sectionOf({ name: 'history' })).toBe('history');
    expect(sectionOf({ name: 'stage' })).toBe('stage');
    expect(sectionOf({ name: 'not-found', pathname: '/x' })).toBeNull();
  });
});

describe('isInAppClick', () => {
  const plain: LinkClick = {
    button: 0,
    metaKey: false,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    defaultPrevented: false,
  };
  const sameOrigin = { origin: 'https://a.test', currentOrigin: 'https://a.test', target: '' };

  it('handles a plain left click on a same-origin link', () => {
    expect(isInAppClick(plain, sameOrigin)).toBe(true);
    expect(isInAppClick(plain, { ...sameOrigin, target: '_self' })).toBe(true);
  });

  it('leaves new-tab, new-window and other-origin clicks to the browser', () => {
    expect(isInAppClick({ ...plain, button: 1 }, sameOrigin)).toBe(false);
    expect(isInAppClick({ ...plain, metaKey: true }, sameOrigin)).toBe(false);
    expect(isInAppClick({ ...plain, ctrlKey: true }, sameOrigin)).toBe(false);
    expect(isInAppClick({ ...plain, shiftKey: true }, sameOrigin)).toBe(false);
    expect(isInAppClick({ ...plain, altKey: true }, sameOrigin)).toBe(false);
    expect(isInAppClick({ ...plain, defaultPrevented: true }, sameOrigin)).toBe(false);
    expect(isInAppClick(plain, { ...sameOrigin, target: '_blank' })).toBe(false);
    expect(isInAppClick(plain, { ...sameOrigin, origin: 'https://b.test' })).toBe(false);
  });
});

/** A window whose history behaves like a browser's: push adds an entry, back pops one and fires popstate. */
function fakeWindow(start: string) {
  const entries = [start];
  let index = 0;
  const listeners = new Set<() => void>();
  const scrolls: number[] = [];
  const win: NavigatorWindow = {
    location: { pathname: start, search: '', hash: '' },
    history: {
      pushState: (_data, _unused, url) => {
        entries.splice(index + 1, entries.length, url);
        index += 1;
        win.location.pathname = url;
      },
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    scrollTo: (_x, y) => scrolls.push(y),
  };
  const back = () => {
    index -= 1;
    win.location.pathname = entries[index]!;
    for (const listener of listeners) listener();
  };
  return { win, back, listeners, scrolls };
}

describe('AppNavigator', () => {
  it('starts at the loaded path, pushes on navigate and follows back', () => {
    const { win, back, scrolls } = fakeWindow('/history/abc');
    const navigator = new AppNavigator(win);
    const seen: string[] = [];
    navigator.subscribe(() => seen.push(`${navigator.getSnapshot().kind} ${navigator.getSnapshot().pathname}`));
    expect(navigator.getSnapshot()).toEqual({ pathname: '/history/abc', kind: 'initial', count: 0 });

    navigator.navigate('/history');
    navigator.navigate('/');
    back();
    expect(seen).toEqual(['push /history', 'push /', 'pop /history']);
    expect(navigator.getSnapshot().count).toBe(3);
    expect(scrolls).toEqual([0, 0]);
  });

  it('ignores a link to the page already shown, and keeps the snapshot stable', () => {
    const { win } = fakeWindow('/history');
    const navigator = new AppNavigator(win);
    const before = navigator.getSnapshot();
    navigator.navigate('/history');
    expect(navigator.getSnapshot()).toBe(before);
  });

  it('stops listening to popstate when disposed', () => {
    const { win, listeners } = fakeWindow('/');
    const navigator = new AppNavigator(win);
    expect(listeners.size).toBe(1);
    navigator.dispose();
    expect(listeners.size).toBe(0);
  });
});
