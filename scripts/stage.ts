// `npm run stage -- status | close "why" | open`: the kill switch by hand (relay/limits/stage-switch.ts). Closed,
// every relay instance refuses new scenes within its poll period (15 s); live scenes finish. Against production
// Firestore with GOOGLE_CLOUD_PROJECT (Application Default Credentials), or an emulator with
// FIRESTORE_EMULATOR_HOST. docs/runbook.md#kill-switch.
import { StageSwitch } from '../relay/limits/stage-switch.js';
import { createFirestore } from '../relay/store/firestore.js';
import { LOCAL_PROJECT_ID } from '../relay/store/persistence.js';

const USAGE = 'usage: npm run stage -- status | close "why" | open';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const project = process.env.GOOGLE_CLOUD_PROJECT?.trim();
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST?.trim();
  if (!project && !emulatorHost) {
    process.stderr.write('set GOOGLE_CLOUD_PROJECT (production) or FIRESTORE_EMULATOR_HOST (an emulator)\n');
    return 2;
  }
  const db = createFirestore({ projectId: project ?? LOCAL_PROJECT_ID, emulatorHost });
  const stage = new StageSwitch(db);
  try {
    if (command === 'close') {
      const reason = rest.join(' ').trim();
      if (!reason) throw new Error(`say why (it goes to the logs): ${USAGE}`);
      await stage.set({ open: false, closedBy: 'operator', reason });
    } else if (command === 'open') {
      await stage.set({ open: true });
    } else if (command === 'status') {
      await stage.refresh();
    } else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    process.stdout.write(`${JSON.stringify(stage.state)}\n`);
    return 0;
  } finally {
    await db.terminate();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
