import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { useServices } from '../ui/app-context.js';
import { isInAppClick } from './routes.js';

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/**
 * A real <a href>, so middle-click, "open in new tab" and copying the address all work; a plain left click
 * navigates in place without reloading the page (and without dropping a running scene).
 */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const { navigator } = useServices();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const anchor = event.currentTarget;
    const inApp = isInAppClick(
      {
        button: event.button,
        metaKey: event.metaKey,
        ctrlKey: event.ctrlKey,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        defaultPrevented: event.defaultPrevented,
      },
      { origin: anchor.origin, currentOrigin: window.location.origin, target: anchor.target },
    );
    if (!inApp) return;
    event.preventDefault();
    navigator.navigate(`${anchor.pathname}${anchor.search}${anchor.hash}`);
  };
  return <a href={href} onClick={handleClick} {...rest} />;
}
