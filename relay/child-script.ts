// How to run a script that lives beside the relay's own code in a child process: from source (tests, `npm start`)
// it is TypeScript run through tsx; from the compiled build (dist-relay/, the container) it is the emitted .js
// and runs with plain node, since tsx is a dev dependency and absent from the runtime image.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Node arguments that run the script at `tsUrl` (a URL to its `.ts` source, resolved from the caller's module). */
export function childScriptArgs(tsUrl: URL): string[] {
  const tsPath = fileURLToPath(tsUrl);
  if (existsSync(tsPath)) return ['--import', 'tsx', tsPath];
  return [tsPath.replace(/\.ts$/, '.js')];
}
