// The app's pages as data: a path maps to one Route and back. Pure, so it is tested without a browser.

export type Route =
  | { name: 'stage' }
  | { name: 'history' }
  | { name: 'scene'; sessionId: string }
  | { name: 'report'; sessionId: string }
  | { name: 'not-found'; pathname: string };

/** The relay's own rule for session ids (relay/api/sessions-api.ts); anything else cannot exist. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function matchRoute(pathname: string): Route {
  // "/history/" and "/history" are the same page; "//history" is not a page of ours.
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  if (path === '/' || path === '') return { name: 'stage' };
  if (path === '/history') return { name: 'history' };
  const scene = /^\/history\/([^/]+)(\/report)?$/.exec(path);
  if (scene?.[1]) {
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(scene[1]);
    } catch {
      return { name: 'not-found', pathname };
    }
    if (SESSION_ID_PATTERN.test(sessionId)) return { name: scene[2] ? 'report' : 'scene', sessionId };
  }
  return { name: 'not-found', pathname };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'stage':
      return '/';
    case 'history':
      return '/history';
    case 'scene':
      return `/history/${encodeURIComponent(route.sessionId)}`;
    case 'report':
      return `/history/${encodeURIComponent(route.sessionId)}/report`;
    case 'not-found':
      return route.pathname;
  }
}

/** The nav section a route belongs to, for aria-current; a scene's detail is part of History. */
export function sectionOf(route: Route): 'stage' | 'history' | null {
  if (route.name === 'stage') return 'stage';
  if (route.name === 'history' || route.name === 'scene' || route.name === 'report') return 'history';
  return null;
}

const SITE_NAME = 'Improv Olympics Live';

export function documentTitleFor(route: Route): string {
  switch (route.name) {
    case 'stage':
      return SITE_NAME;
    case 'history':
      return `Your scenes · ${SITE_NAME}`;
    case 'scene':
      return `Scene · ${SITE_NAME}`;
    case 'report':
      return `Coach report · ${SITE_NAME}`;
    case 'not-found':
      return `Page not found · ${SITE_NAME}`;
  }
}

/** The parts of a click that decide whether the app may handle a link itself. */
export interface LinkClick {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

/**
 * True for a plain left click; modified or middle clicks (new tab, new window, download) stay with the browser,
 * and so do links to another origin or with a target.
 */
export function isInAppClick(click: LinkClick, target: { origin: string; currentOrigin: string; target: string }) {
  if (click.defaultPrevented || click.button !== 0) return false;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return false;
  if (target.target !== '' && target.target !== '_self') return false;
  return target.origin === target.currentOrigin;
}
