import { ConnectionIndicator } from '../ui/ConnectionIndicator.js';
import { Link } from './Link.js';
import { hrefFor, type Route, sectionOf } from './routes.js';

const NAV_ITEMS = [
  { section: 'stage', label: 'Stage', href: hrefFor({ name: 'stage' }) },
  { section: 'history', label: 'History', href: hrefFor({ name: 'history' }) },
] as const;

const NAV_LINK =
  'rounded-full px-3 py-1.5 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 sm:px-4';

export function AppHeader({ route }: { route: Route }) {
  const section = sectionOf(route);
  return (
    <header className="mx-auto flex w-full max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-3 px-4 pt-4 sm:px-6 sm:pt-6">
      <Link
        href="/"
        className="rounded font-serif text-lg tracking-wide text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-amber-300 sm:text-2xl"
      >
        Improv Olympics <span className="text-amber-400">Live</span>
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label="Main">
          <ul className="flex items-center gap-1 rounded-full border border-stone-800 bg-stone-900/70 p-1">
            {NAV_ITEMS.map((item) => {
              const here = section === item.section;
              // A scene's detail page sits under History: that link is "current section", not "current page".
              const current = here ? (route.name === item.section ? 'page' : 'true') : undefined;
              return (
                <li key={item.section}>
                  <Link
                    href={item.href}
                    aria-current={current}
                    className={`${NAV_LINK} ${
                      here ? 'bg-amber-400 text-stone-950' : 'text-stone-300 hover:bg-stone-800 hover:text-amber-100'
                    }`}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <ConnectionIndicator />
      </div>
    </header>
  );
}
