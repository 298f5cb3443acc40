// What a past scene is about, in words: its premise, its cast, its line count (the player's lines, as the stage
// counted them) and its transcript as Markdown for export. Pure, so the tests pin them.
import type { SessionDetailJson, SessionSummaryJson } from '../../shared/api.js';
import { audienceTypeOrDefault, personaOrDefault } from '../../shared/cast.js';
import { SPEAKER_NAMES } from '../ui/speakers.js';
import { formatSceneDateTime, gameName } from './format.js';

export function premiseText(scene: Pick<SessionSummaryJson, 'premise'>): string | null {
  const premise = scene.premise;
  return premise ? `${capitalize(premise.relationship)}, at ${premise.location}, with ${premise.object}.` : null;
}

export function castText(scene: Pick<SessionSummaryJson, 'persona' | 'audience'>): string | null {
  if (!scene.persona && !scene.audience) return null;
  const parts = [
    scene.persona ? `Partner: ${personaOrDefault(scene.persona).name}` : null,
    scene.audience ? `Audience: ${audienceTypeOrDefault(scene.audience).name}` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The player's lines in the stored transcript (the MC, partner, audience and coach are not lines). */
export function playerLineCount(scene: Pick<SessionDetailJson, 'turns'>): number {
  return scene.turns.filter((turn) => turn.speaker === 'player' && turn.text.trim() !== '').length;
}

export function transcriptMarkdown(scene: SessionDetailJson): string {
  const lines = [
    `# ${gameName(scene.game)}`,
    '',
    `*${formatSceneDateTime(scene.createdAt)}*`,
    '',
    ...(premiseText(scene) ? [`**Premise:** ${premiseText(scene)}`, ''] : []),
    ...(castText(scene) ? [`**Cast:** ${castText(scene)}`, ''] : []),
    '## Transcript',
    '',
    ...scene.turns.map((turn) => {
      const text = turn.text.trim() || '(no words caught)';
      const who = SPEAKER_NAMES[turn.speaker];
      return turn.speaker === 'audience'
        ? `> *${who}: ${text}*`
        : `**${who}:** ${text}${turn.interrupted ? ' *(cut off)*' : ''}`;
    }),
  ];
  if (scene.coach) {
    lines.push('', '## Coach’s notes', '', scene.coach.summary);
    for (const tip of scene.coach.tryNext) lines.push(`- Try next: ${tip}`);
  }
  return `${lines.join('\n\n').replace(/\n\n\n\n/g, '\n\n')}\n`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
