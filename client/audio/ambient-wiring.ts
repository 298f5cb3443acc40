// Connects a crowd to the app's stores: the setting turns it on and off, the scene says when the partner
// (or the MC, voiced on the partner's stream) is audible, and each new audience reaction plays once.
import type { StoreApi } from 'zustand/vanilla';
import type { SceneState } from '../store/scene-reducer.js';
import type { StageReaction, StageStore } from '../store/stage-store.js';
import type { AmbientCrowd } from './ambient.js';
import type { AmbientSetting } from './ambient-setting.js';

export interface AmbientWiring {
  crowd: Pick<AmbientCrowd, 'setEnabled' | 'setPartnerSpeaking' | 'play'>;
  setting: AmbientSetting;
  scene: StoreApi<SceneState>;
  stage: StageStore;
}

/**
 * The newest reaction in `next` whose turn `previous` did not have, or null. A resent reaction (same
 * turnSeq) does not play twice; after a fresh session cleared the list, turn numbers may start again.
 * Only the newest plays when several land at once (a resumed session), so the room never stacks up.
 */
export function newestFreshReaction(
  previous: readonly StageReaction[],
  next: readonly StageReaction[],
): StageReaction | null {
  if (previous === next) return null;
  const seen = new Set(previous.map((reaction) => reaction.turnSeq));
  const fresh = next.filter((reaction) => !seen.has(reaction.turnSeq));
  return fresh[fresh.length - 1] ?? null;
}

export function isPartnerAudible(scene: SceneState): boolean {
  return scene.partnerSpeakingTurnId !== null;
}

/** Starts listening; returns the function that stops. Reactions already on the stage stay silent. */
export function connectAmbientCrowd({ crowd, setting, scene, stage }: AmbientWiring): () => void {
  crowd.setEnabled(setting.isEnabled());
  crowd.setPartnerSpeaking(isPartnerAudible(scene.getState()));
  const unsubscribers = [
    // Synchronous: a toggle click's user gesture is still active when the crowd resumes its context.
    setting.store.subscribe((state) => crowd.setEnabled(state.enabled)),
    scene.subscribe((state) => crowd.setPartnerSpeaking(isPartnerAudible(state))),
    stage.subscribe((state, previous) => {
      const reaction = newestFreshReaction(previous.reactions, state.reactions);
      if (reaction) void crowd.play(reaction);
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
