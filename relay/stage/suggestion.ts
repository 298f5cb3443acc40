// The audience's suggestion (location, relationship, object), drawn from the game's own lists.
// The schema and the pure draw/re-roll live in shared/stage.ts so the client can draw and re-roll locally;
// this module keeps the relay's import path.
export {
  drawSuggestion,
  hash32,
  isCatalogSuggestion,
  randomSeed,
  rerollSuggestion,
  SUGGESTION_FIELDS,
  Suggestion,
  SuggestionField,
} from '../../shared/stage.js';
