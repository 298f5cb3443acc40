// The page shell: header with the main nav, then the page for the current path.
import { useEffect } from 'react';
import { CoachReportPage } from '../history/CoachReportPage.js';
import { HistoryListPage } from '../history/HistoryListPage.js';
import { SceneDetailPage } from '../history/SceneDetailPage.js';
import { StagePage } from '../ui/StagePage.js';
import { AppHeader } from './AppHeader.js';
import { NotFoundPage } from './NotFoundPage.js';
import { documentTitleFor, matchRoute, type Route } from './routes.js';
import { useNavigation } from './use-navigation.js';

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'stage':
      return <StagePage />;
    case 'history':
      return <HistoryListPage />;
    case 'scene':
      // Keyed, so moving between two scenes starts the second one fresh.
      return <SceneDetailPage key={route.sessionId} sessionId={route.sessionId} />;
    case 'report':
      return <CoachReportPage key={route.sessionId} sessionId={route.sessionId} />;
    case 'not-found':
      return <NotFoundPage />;
  }
}

export function App() {
  const navigation = useNavigation();
  const route = matchRoute(navigation.pathname);

  const title = documentTitleFor(route);
  useEffect(() => {
    document.title = title;
  }, [title]);

  // After an in-app navigation, focus the new page's heading so keyboard and screen-reader users start there,
  // as they would after a page load. The first load leaves focus where the browser put it.
  useEffect(() => {
    if (navigation.kind === 'initial') return;
    document.querySelector<HTMLElement>('[data-page-heading]')?.focus();
  }, [navigation]);

  return (
    <div className="stage-backdrop flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only rounded bg-amber-400 px-3 py-2 text-stone-950 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10"
      >
        Skip to content
      </a>
      <AppHeader route={route} />
      <main id="main" className="mx-auto flex w-full max-w-6xl flex-1 flex-col px-4 py-6 sm:px-6">
        <Page route={route} />
      </main>
    </div>
  );
}
