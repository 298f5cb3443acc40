// The stage's controls that reach into a running scene: skip the MC's intro, and hold the partner for a pause.
// Both stop sound here at once (the player's queue is cut) and tell the relay, which cuts the turn on its side.
import type { ClientMessage } from '../../shared/protocol.js';
import { type AppStores, dispatchScene } from '../store/stores.js';
import type { SceneRun } from './scene-run.js';

export function skipIntro(scene: SceneRun, stores: AppStores, send: (message: ClientMessage) => void): void {
  const player = scene.player;
  const mcTurns = stores.stage.getState().mcTurnIds;
  if (player && player.speakingTurnId !== null && mcTurns.includes(player.speakingTurnId)) {
    const { turnId } = player.interrupt();
    if (turnId !== null) scene.gate.close(turnId);
  }
  send({ type: 'intro.skip' });
  dispatchScene(stores, { type: 'intro.skipped' });
}

/**
 * Silences the partner (or the MC) for a pause: the turn playing now (`turnId` null), or a turn whose first frame
 * arrived while paused. The relay hears it as a barge-in, so it stops sending that turn.
 */
export function holdPartner(scene: SceneRun, turnId: number | null, send: (message: ClientMessage) => void): void {
  if (turnId === null) {
    const player = scene.player;
    if (!player || player.speakingTurnId === null) return;
    const cut = player.interrupt();
    if (cut.turnId === null) return;
    scene.gate.close(cut.turnId);
    send({ type: 'barge-in', turnId: cut.turnId, playedMs: Math.max(0, Math.round(cut.playedMs)) });
    return;
  }
  if (scene.gate.isClosed(turnId)) return;
  scene.gate.close(turnId);
  send({ type: 'barge-in', turnId, playedMs: 0 });
}
