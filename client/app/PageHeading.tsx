import type { ReactNode } from 'react';

/** Each page's h1. Focusable from script (not by Tab), so navigation can move focus to it. */
export function PageHeading({
  children,
  className = '',
  id,
}: {
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <h1
      id={id}
      tabIndex={-1}
      data-page-heading=""
      className={`font-serif text-2xl text-amber-200 focus:outline-none sm:text-3xl ${className}`}
    >
      {children}
    </h1>
  );
}
