// Mount once on the stage: the crowd laughs, groans and applauds with the audience reactions when the
// player turned "Crowd sounds" on (client/ui/AmbientToggle.tsx). Nothing plays, and no AudioContext
// exists, until then.
import { useEffect } from 'react';
import { useServices, useStageStore } from '../ui/app-context.js';
import { AmbientCrowd } from './ambient.js';
import { type AmbientSetting, ambientSetting } from './ambient-setting.js';
import { connectAmbientCrowd } from './ambient-wiring.js';

export function useAmbientCrowd(setting: AmbientSetting = ambientSetting()): void {
  const { stores } = useServices();
  const stage = useStageStore();
  useEffect(() => {
    const crowd = new AmbientCrowd();
    const disconnect = connectAmbientCrowd({ crowd, setting, scene: stores.scene, stage });
    return () => {
      disconnect();
      void crowd.dispose();
    };
  }, [setting, stores, stage]);
}
