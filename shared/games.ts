// The improv game catalog, as data: adding a game is adding an entry here, never a code path.
// Validated by zod when this module loads (a bad entry fails every test and the relay's startup).
// Shared because the client lists the games and the relay builds the partner's instructions from them.
import { z } from 'zod';

/** The five principles the coach scores every scene on. */
export const Principle = z.enum(['yes-and', 'specificity', 'heightening', 'listening', 'justification']);
export type Principle = z.infer<typeof Principle>;

/** What a game trains: the coach's principles plus a few craft skills that only some games stress. */
export const Skill = z.enum([...Principle.options, 'character', 'emotional-range', 'quick-thinking', 'status']);
export type Skill = z.infer<typeof Skill>;

const phrase = z.string().trim().min(2).max(80);
/** At least four options per list so a re-roll can always land on something new. */
const phraseList = z.array(phrase).min(4).max(64);

export const SuggestionPrompts = z.object({
  /** Noun phrases that fit "at {location}": "a lighthouse", "the DMV". */
  locations: phraseList,
  /** Noun phrases that fit "you two are {relationship}": "rival beekeepers". */
  relationships: phraseList,
  /** Noun phrases that fit "and somewhere in this scene, {object}": "a rubber chicken". */
  objects: phraseList,
});
export type SuggestionPrompts = z.infer<typeof SuggestionPrompts>;

export const Game = z.object({
  /** URL-safe; fits the `hello.game` field (max 64). */
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(64),
  name: z.string().min(2).max(40),
  /** One line for the game picker. */
  pitch: z.string().min(10).max(140),
  /** What the partner enforces, written to be pasted into its system instruction. */
  partnerRules: z.string().min(60).max(1200),
  /** The rules as the MC says them, in one breath. */
  mcRules: z.string().min(20).max(220),
  /** The honest mistakes that fit this game, for the scene's fallible phase; a generic list applies otherwise. */
  partnerMistakes: z.string().min(20).max(300).optional(),
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  typicalLength: z.object({
    playerTurns: z.number().int().min(3).max(40),
    minutes: z.number().min(1).max(15),
  }),
  skills: z.array(Skill).min(1).max(5),
  suggestionPrompts: SuggestionPrompts,
});
export type Game = z.infer<typeof Game>;

export const GameCatalog = z
  .array(Game)
  .min(8)
  .superRefine((games, context) => {
    const seen = new Set<string>();
    for (const [index, game] of games.entries()) {
      if (seen.has(game.id)) {
        context.addIssue({ code: 'custom', message: `duplicate game id "${game.id}"`, path: [index, 'id'] });
      }
      seen.add(game.id);
    }
  });

// Shared pools keep the catalog readable; each game still owns its lists.
const EVERYDAY_LOCATIONS = [
  'a laundromat at 3 a.m.',
  'a lighthouse',
  'the DMV',
  'a submarine kitchen',
  'a wedding rehearsal',
  'a haunted bakery',
  'a dentist’s waiting room',
  'a museum after closing',
];
const EVERYDAY_RELATIONSHIPS = [
  'rival beekeepers',
  'a new intern and a burnt-out boss',
  'siblings clearing out an attic',
  'a landlord and a very old tenant',
  'two astronauts on day 400',
  'a wedding planner and the nervous groom',
];
const EVERYDAY_OBJECTS = [
  'a rubber chicken',
  'a jar of pickles',
  'a broken umbrella',
  'a love letter',
  'a mysterious key',
  'a trophy nobody remembers winning',
  'a GPS that only speaks in riddles',
];

export const GAME_DATA: readonly z.input<typeof Game>[] = [
  {
    id: 'yes-and',
    name: 'Yes, And',
    pitch: 'Build a story together where every line accepts the last one and adds something new.',
    partnerRules:
      'Every one of your lines begins with "Yes, and" and accepts exactly what the player just said, then adds ONE new concrete detail. ' +
      'Never deny, correct or ignore an offer. If the player forgets to start with "Yes, and", accept it anyway and keep going.',
    mcRules:
      'Every line starts with "yes, and", accepts what was just said, and adds one new detail: no blocking, no bailing.',
    difficulty: 1,
    typicalLength: { playerTurns: 12, minutes: 3 },
    skills: ['yes-and', 'listening', 'specificity'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: EVERYDAY_RELATIONSHIPS,
      objects: EVERYDAY_OBJECTS,
    },
  },
  {
    id: 'worlds-worst-advice',
    name: 'World’s Worst Advice',
    pitch: 'Two confident experts host a call-in show and give spectacularly terrible advice.',
    partnerRules:
      'You and the player co-host a radio advice show. Invent short callers with a problem linked to the suggestion, then give ' +
      'confidently terrible, specific advice that builds on the player’s last piece of advice. Never admit the advice is bad; ' +
      'treat your co-host’s worst idea as genius and make it worse.',
    mcRules:
      'You are experts on the air: take the calls, give the worst possible advice with total confidence, and build on each other.',
    difficulty: 1,
    typicalLength: { playerTurns: 10, minutes: 3 },
    skills: ['heightening', 'yes-and', 'specificity'],
    suggestionPrompts: {
      locations: ['a late-night radio studio', 'a wellness retreat', 'a parenting podcast', 'a gardening hotline'],
      relationships: [
        'co-hosts who secretly hate each other',
        'a mother-and-son team',
        'two retired spies',
        'best friends',
      ],
      objects: ['a sourdough starter', 'a first date', 'a houseplant', 'a job interview', 'a noisy neighbor'],
    },
  },
  {
    id: 'questions-only',
    name: 'Questions Only',
    pitch: 'A whole scene where every single line has to be a question.',
    partnerRules:
      'Every line you say is a question, and it must still move the scene forward (reveal who, where or what through the question). ' +
      'If the player says a line that is not a question, cheerfully call "That’s not a question!" and restart the exchange with a new question. ' +
      'Never answer a question with a statement.',
    mcRules:
      'Every line must be a question that still moves the scene; say a statement and your partner will call you on it.',
    partnerMistakes:
      'Now and then slip and say a plain statement instead of a question, so the player can call it out.',
    difficulty: 2,
    typicalLength: { playerTurns: 12, minutes: 3 },
    skills: ['listening', 'justification', 'quick-thinking'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: [
        'a detective and a suspect',
        'a toddler and a very patient grandparent',
        ...EVERYDAY_RELATIONSHIPS,
      ],
      objects: EVERYDAY_OBJECTS,
    },
  },
  {
    id: 'alphabet',
    name: 'Alphabet Game',
    pitch: 'Each line starts with the next letter of the alphabet, and the scene still has to make sense.',
    partnerRules:
      'Each line starts with the next letter of the alphabet after the previous line’s first letter. The first line of the scene starts ' +
      'with the first letter of the suggested object. Skip X if it would stall the scene ("Xcellent" is fine). If the player uses the wrong ' +
      'letter, accept their line and continue from the letter they should have used. Keep the story coherent.',
    mcRules:
      'Each line starts with the next letter of the alphabet, starting from our suggestion; keep the story making sense all the way.',
    partnerMistakes:
      'Now and then start a line with the wrong letter, or repeat a letter, and let the player catch or justify it.',
    difficulty: 2,
    typicalLength: { playerTurns: 13, minutes: 4 },
    skills: ['listening', 'quick-thinking', 'justification'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: EVERYDAY_RELATIONSHIPS,
      objects: ['an anchor', 'a birthday cake', 'a cactus', 'a drum kit', 'an empty envelope', 'a goldfish', 'a map'],
    },
  },
  {
    id: 'party-quirks',
    name: 'Party Quirks',
    pitch: 'You host a party; your partner plays the guests, each with a secret quirk you must guess.',
    partnerRules:
      'The player is the party host. You play up to three guests who arrive one at a time, each with a distinct voice, name and a ' +
      'secret quirk (e.g. "believes they are a weather forecast", "is slowly turning into a cat"). Never say the quirk; show it with ' +
      'ever bigger clues each line. When the host names the quirk or something close, celebrate, leave, and bring in the next guest.',
    mcRules:
      'You are the host; each guest arrives with a secret quirk, and you chat them up until you can name it out loud.',
    partnerMistakes:
      'Now and then let a guest drop the quirk for a line, or give a clue that points the wrong way, and recover when the host reacts.',
    difficulty: 2,
    typicalLength: { playerTurns: 15, minutes: 5 },
    skills: ['listening', 'heightening', 'character'],
    suggestionPrompts: {
      locations: [
        'a rooftop party',
        'a garden barbecue',
        'a murder-mystery dinner',
        'a retirement party',
        'a karaoke bar',
      ],
      relationships: [
        'host and old classmates',
        'host and new neighbors',
        'host and work colleagues',
        'host and in-laws',
      ],
      objects: ['a punch bowl', 'a piñata', 'a guest book', 'a cheese fountain', 'a playlist nobody likes'],
    },
  },
  {
    id: 'expert-interview',
    name: 'Expert Interview',
    pitch: 'You are the world’s leading expert on something absurd; your partner interviews you live.',
    partnerRules:
      'You are a talk-show host interviewing the player, introduced as the world’s leading expert on the suggested object. Ask one ' +
      'specific, curious question per line, each following up on a detail the expert just gave, and treat every claim as established fact. ' +
      'Escalate: from basics, to their controversial theory, to their biggest failure.',
    mcRules:
      'You are the world’s top expert on our suggestion; your host asks, you answer with total authority, and every detail counts.',
    difficulty: 1,
    typicalLength: { playerTurns: 10, minutes: 3 },
    skills: ['specificity', 'justification', 'status'],
    suggestionPrompts: {
      locations: ['a morning TV studio', 'a science podcast', 'a museum lecture hall', 'a late-night talk show'],
      relationships: [
        'host and celebrated guest',
        'host and disgraced guest',
        'host and their former teacher',
        'host and rival',
      ],
      objects: [
        'competitive napping',
        'the history of spoons',
        'pigeon psychology',
        'extreme ironing',
        'cloud taxonomy',
      ],
    },
  },
  {
    id: 'emotional-rollercoaster',
    name: 'Emotional Rollercoaster',
    pitch: 'An ordinary scene where the emotion keeps swerving, and every swerve has to be justified.',
    partnerRules:
      'Play an ordinary scene from the suggestion. About every second line, switch your character to a new strong emotion (joy, ' +
      'jealousy, grief, panic, pride, suspicion, ...) and justify the switch with something that just happened in the scene. Go big ' +
      'emotionally but stay in the scene. When the player switches emotion, catch it and respond to it honestly.',
    mcRules:
      'Same scene, big emotions: when your partner swerves, justify it and swerve back; the bigger and more honest, the better.',
    difficulty: 2,
    typicalLength: { playerTurns: 12, minutes: 4 },
    skills: ['emotional-range', 'justification', 'listening'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: EVERYDAY_RELATIONSHIPS,
      objects: EVERYDAY_OBJECTS,
    },
  },
  {
    id: 'genre-switch',
    name: 'Genre Switch',
    pitch: 'One scene, many genres: your partner calls the switch and you both carry on in the new style.',
    partnerRules:
      'Play the scene from the suggestion. Every three or four lines, call a genre switch out loud as a quick aside ("Genre switch: film ' +
      'noir!") and continue the SAME story in the new genre (western, horror, Shakespeare, musical, nature documentary, soap opera, ' +
      'sci-fi). Keep the characters and plot; change the style, words and stakes. Never repeat a genre.',
    mcRules:
      'Your partner calls a new genre now and then; keep the same story going but play it in that style, full commitment.',
    difficulty: 3,
    typicalLength: { playerTurns: 14, minutes: 5 },
    skills: ['character', 'heightening', 'listening'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: EVERYDAY_RELATIONSHIPS,
      objects: EVERYDAY_OBJECTS,
    },
  },
  {
    id: '185',
    name: '185',
    pitch: 'Trade rapid-fire pun jokes: "185 somethings walk into a bar..."',
    partnerRules:
      'Trade jokes in the classic 185 format with the player: "185 [plural of a thing] walk into a bar. The bartender says, \'Sorry, we ' +
      "don't serve [them] here.' The [them] say, '[a pun about that thing]'.\" Use the suggested object and related things as subjects. " +
      'After the player’s joke, react briefly (a groan or a laugh) and tell one new joke, ideally on a subject the player offered.',
    mcRules:
      '185 things walk into a bar, the bartender won’t serve them, they answer with a pun; trade jokes as fast as you can.',
    partnerMistakes:
      'Now and then botch a punchline or use the wrong plural, then let the player rescue or top the joke.',
    difficulty: 3,
    typicalLength: { playerTurns: 8, minutes: 3 },
    skills: ['quick-thinking', 'specificity', 'listening'],
    suggestionPrompts: {
      locations: ['a bar', 'a cafe', 'a hotel lobby', 'a space station cantina'],
      relationships: ['two comedians', 'rival joke writers', 'a bartender and a regular', 'a heckler and a headliner'],
      objects: ['dentists', 'pilots', 'bakers', 'librarians', 'electricians', 'ghosts', 'penguins'],
    },
  },
  {
    id: 'first-line-last-line',
    name: 'First Line, Last Line',
    pitch: 'The scene must start with one line and end, naturally, on another.',
    partnerRules:
      'The scene starts with the line "I told you never to open that." and must end with the line "And that is why we can never go back." ' +
      'Steer the story so the last line lands naturally: plant reasons for it early and let the player discover them. In the closing ' +
      'phase, set the player up to say the last line, or say it yourself as the final line.',
    mcRules:
      'Your first line is "I told you never to open that", your last is "and that is why we can never go back": make them connect.',
    difficulty: 3,
    typicalLength: { playerTurns: 12, minutes: 4 },
    skills: ['justification', 'listening', 'heightening'],
    suggestionPrompts: {
      locations: EVERYDAY_LOCATIONS,
      relationships: EVERYDAY_RELATIONSHIPS,
      objects: ['a fridge', 'a time capsule', 'a suitcase', 'a birthday present', 'a trapdoor', 'a fortune cookie'],
    },
  },
];

/** The validated catalog; throws at import if an entry is invalid, so a bad edit cannot ship. */
export const GAMES: readonly Game[] = GameCatalog.parse(GAME_DATA);

export const DEFAULT_GAME_ID = 'yes-and';

export function findGame(id: string | undefined): Game | undefined {
  return id === undefined ? undefined : GAMES.find((game) => game.id === id);
}

/** The game a session plays: the requested one if it exists, else the default (an unknown id is not an error). */
export function gameOrDefault(id: string | undefined): Game {
  return findGame(id) ?? findGame(DEFAULT_GAME_ID)!;
}

/** Gemini Live's prebuilt voices (the emulator maps each to a distinct espeak-ng voice). */
export const LIVE_VOICE_NAMES = ['Puck', 'Charon', 'Kore', 'Fenrir', 'Aoede', 'Leda', 'Orus', 'Zephyr'] as const;
export const LiveVoiceName = z.enum(LIVE_VOICE_NAMES);
export type LiveVoiceName = z.infer<typeof LiveVoiceName>;
export const DEFAULT_PARTNER_VOICE: LiveVoiceName = 'Puck';
/** Different from the partner's so the player hears who is talking. */
export const DEFAULT_MC_VOICE: LiveVoiceName = 'Charon';
