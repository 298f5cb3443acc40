// Sample stage messages behind ?demo=…, to look at the stage screens without a relay (screenshots, design
// review). Loaded as its own chunk only when the query asks for it; every message passes the real wire schema.
import { gameOrDefault } from '../../shared/games.js';
import { parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';
import { drawSuggestion } from '../../shared/stage.js';
import { handleStageMessage, type StageStore } from '../store/stage-store.js';
import { type AppStores, dispatchScene, pushTranscript } from '../store/stores.js';

const GAME = gameOrDefault('party-quirks');
const SUGGESTION = drawSuggestion(GAME, 2026);

const LINES = [
  {
    speaker: 'mc',
    text: `Welcome to Improv Olympics Live! Tonight our player plays ${GAME.name}. Three, two, one... scene!`,
  },
  { speaker: 'player', text: 'Come in, come in! Welcome to my rooftop party, mind the cheese fountain.' },
  {
    speaker: 'partner',
    text: 'Thank you! Is it... is it going to rain? I feel a cold front coming from the northwest.',
  },
  { speaker: 'audience', text: '*laughter*' },
  { speaker: 'player', text: 'Are you, by any chance, a weather forecast?' },
  { speaker: 'partner', text: 'Sunny with a chance of YES! Well done, host!' },
] as const;

const REPORT = {
  source: 'model',
  summary:
    'A warm, quick scene: you welcomed every guest with a specific detail and named the first quirk in four lines.',
  strengths: [
    { point: 'You set the location with one concrete detail.', quote: 'mind the cheese fountain' },
    { point: 'You listened to the clue and named the quirk.', quote: 'Are you, by any chance, a weather forecast?' },
  ],
  tryNext: ['Play with the guest a little longer before guessing.', 'Give yourself a want as the host.'],
  principles: [
    { principle: 'yes-and', score: 4, note: 'Accepted every arrival.' },
    { principle: 'specificity', score: 5, note: 'The cheese fountain did a lot of work.' },
    { principle: 'heightening', score: 2, note: 'The guess came before the quirk could grow.' },
    { principle: 'listening', score: 4, note: 'You caught the weather clue at once.' },
    { principle: 'justification', score: 3, note: 'Little to justify this time.' },
  ],
};

const FALLBACK = {
  source: 'fallback',
  message: 'The coach could not review this scene: the review model did not answer within 30 seconds.',
  summary: 'The coach could not review this scene.',
  strengths: [],
  tryNext: [`Next time in ${GAME.name}, put your attention on listening.`],
  principles: [],
};

function send(stage: StageStore, message: object): void {
  const parsed = parseRelayMessage(JSON.stringify(message));
  if (!parsed.ok) throw new Error(`demo message rejected: ${parsed.message}`);
  handleStageMessage(stage, parsed.value as RelayMessage);
}

export function playDemo(kind: string, stores: AppStores, stage: StageStore): void {
  dispatchScene(stores, { type: 'starting' });
  dispatchScene(stores, { type: 'welcomed', sessionId: 'demo_scene', upstream: 'emulator' });
  dispatchScene(stores, { type: 'running' });
  send(stage, { type: 'partner.start', turnId: 0, speaker: 'mc' });
  for (const [index, line] of LINES.entries()) pushTranscript(stores, { ...line, streamId: index, final: true });
  send(stage, {
    type: 'scene.state',
    game: GAME.id,
    suggestion: SUGGESTION,
    phase: 'fallible',
    playerTurns: 6,
    turnBudget: GAME.typicalLength.playerTurns,
    partnerVoice: 'Kore',
    mcVoice: 'Charon',
  });
  const sentiments = [0.2, 0.5, -0.3, 0.7, 0.9, 0.4];
  const reactions = ['*chuckles*', '*laughter*', '*groans*', 'Ooooh!', '*roaring laughter*', '*applause*'];
  let sum = 0;
  sentiments.forEach((sentiment, turnSeq) => {
    sum += sentiment;
    send(stage, {
      type: 'audience.reaction',
      turnSeq,
      sentiment,
      reaction: reactions[turnSeq],
      mood: sum / (turnSeq + 1),
    });
  });
  if (kind === 'coach' || kind === 'coach-fallback') {
    dispatchScene(stores, { type: 'ending' });
    dispatchScene(stores, { type: 'ended', notice: 'Scene over. Take a bow.' });
    send(stage, { type: 'coach.report', report: kind === 'coach' ? REPORT : FALLBACK });
  }
}
