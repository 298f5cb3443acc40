import { Link } from './Link.js';
import { PageHeading } from './PageHeading.js';

export function NotFoundPage() {
  return (
    <section className="mx-auto flex max-w-xl flex-col items-center gap-4 py-16 text-center">
      <PageHeading>There’s no such page</PageHeading>
      <p className="text-stone-300">The address may be mistyped, or the page has moved.</p>
      <div className="flex flex-wrap justify-center gap-3">
        <Link
          href="/"
          className="rounded text-amber-300 underline underline-offset-4 hover:text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          Go to the stage
        </Link>
        <Link
          href="/history"
          className="rounded text-amber-300 underline underline-offset-4 hover:text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          See your scenes
        </Link>
      </div>
    </section>
  );
}
