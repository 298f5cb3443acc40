// The next scene's setup, inline under Start scene: the audience's suggestion (re-roll all or one part) and the
// partner's voice. Nothing here is required: Start scene takes whatever is shown.
import { useEffect, useId, useRef } from 'react';
import { useStore } from 'zustand';
import { AUDIENCE_TYPES, PARTNER_PERSONAS } from '../../shared/cast.js';
import { LIVE_VOICE_NAMES } from '../../shared/games.js';
import type { Suggestion, SuggestionField } from '../../shared/stage.js';
import { useAppStore, useSceneSetup } from '../ui/app-context.js';
import { VOICE_DESCRIPTIONS } from './stage-text.js';

const FIELD_ROWS: readonly { field: SuggestionField; label: string }[] = [
  { field: 'relationship', label: 'Who' },
  { field: 'location', label: 'Where' },
  { field: 'object', label: 'What' },
];

const SMALL_BUTTON =
  'inline-flex shrink-0 items-center gap-1 rounded-full border border-stone-700 px-2.5 py-1 text-xs text-amber-200 hover:border-amber-400/60 hover:bg-stone-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300';

export function SuggestionRows({
  suggestion,
  onReroll,
}: {
  suggestion: Suggestion;
  onReroll?: (field?: SuggestionField) => void;
}) {
  return (
    <dl className="flex flex-col gap-1.5">
      {FIELD_ROWS.map(({ field, label }) => (
        <div key={field} className="flex items-center gap-2">
          <dt className="w-12 shrink-0 text-xs uppercase tracking-wider text-stone-400">{label}</dt>
          <dd className="min-w-0 flex-1 text-sm text-stone-100" data-suggestion-field={field}>
            {suggestion[field]}
          </dd>
          {onReroll ? (
            <dd>
              <button type="button" onClick={() => onReroll(field)} className={SMALL_BUTTON}>
                <span aria-hidden="true">↻</span>
                <span className="sr-only">New {field}</span>
              </button>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}

export function SceneSetupPanel() {
  const setup = useSceneSetup();
  const suggestion = useStore(setup.store, (s) => s.suggestion);
  const partnerVoice = useStore(setup.store, (s) => s.partnerVoice);
  const persona = useStore(setup.store, (s) => s.persona);
  const audience = useStore(setup.store, (s) => s.audience);
  const personaId = useId();
  const audienceId = useId();
  const phase = useAppStore('scene', (s) => s.phase);
  const voiceId = useId();
  const headingId = useId();

  // After a scene, the next one gets a fresh suggestion (the old one is in the coach's notes and the history).
  const previousPhase = useRef(phase);
  useEffect(() => {
    if (previousPhase.current !== 'idle' && phase === 'idle') setup.reroll();
    previousPhase.current = phase;
  }, [phase, setup]);

  if (phase !== 'idle') return null;
  return (
    <section
      aria-labelledby={headingId}
      className="flex w-full max-w-md flex-col gap-3 rounded-2xl border border-stone-800 bg-stone-950/50 px-4 py-3 text-left"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id={headingId} className="text-xs uppercase tracking-[0.12em] text-stone-400 sm:tracking-[0.2em]">
          The audience suggests
        </h2>
        <button type="button" onClick={() => setup.reroll()} className={SMALL_BUTTON}>
          <span aria-hidden="true">↻</span> New suggestion
        </button>
      </div>
      <div aria-live="polite">
        <SuggestionRows suggestion={suggestion} onReroll={(field) => setup.reroll(field)} />
      </div>
      <div className="grid grid-cols-[auto_minmax(0,1fr)] items-center gap-x-2 gap-y-2 border-t border-stone-800 pt-3">
        <label htmlFor={personaId} className="text-xs uppercase tracking-wider text-stone-400">
          Partner
        </label>
        <select
          id={personaId}
          value={persona}
          onChange={(event) => setup.setPersona(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-stone-700 bg-stone-900 px-2 py-1.5 text-sm text-stone-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          {PARTNER_PERSONAS.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name} · {item.blurb}
            </option>
          ))}
        </select>
        <label htmlFor={audienceId} className="text-xs uppercase tracking-wider text-stone-400">
          Audience
        </label>
        <select
          id={audienceId}
          value={audience}
          onChange={(event) => setup.setAudience(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-stone-700 bg-stone-900 px-2 py-1.5 text-sm text-stone-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          {AUDIENCE_TYPES.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name} · {item.blurb}
            </option>
          ))}
        </select>
        <label htmlFor={voiceId} className="text-xs uppercase tracking-wider text-stone-400">
          Partner voice
        </label>
        <select
          id={voiceId}
          value={partnerVoice}
          onChange={(event) => setup.setPartnerVoice(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-stone-700 bg-stone-900 px-2 py-1.5 text-sm text-stone-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          {LIVE_VOICE_NAMES.map((voice) => (
            <option key={voice} value={voice}>
              {voice} · {VOICE_DESCRIPTIONS[voice]}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
