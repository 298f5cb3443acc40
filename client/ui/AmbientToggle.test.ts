// The crowd-sounds switch rendered to HTML in Node: what a screen reader and a keyboard user get.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AmbientToggleView } from './AmbientToggle.js';

const render = (enabled: boolean, available = true) =>
  renderToStaticMarkup(createElement(AmbientToggleView, { enabled, available, onChange: () => {} }));

/** The attribute, not the `disabled:` Tailwind variants in the class list. */
const DISABLED_ATTRIBUTE = /\sdisabled(=""|\s|>)/;

function switchTag(markup: string): string {
  const tag = markup.match(/<button[^>]*>/)?.[0];
  if (!tag) throw new Error(`no button in ${markup}`);
  return tag;
}

describe('AmbientToggle', () => {
  it('is a labelled switch, off', () => {
    const markup = render(false);
    const tag = switchTag(markup);
    expect(tag).toContain('role="switch"');
    expect(tag).toContain('aria-checked="false"');
    expect(tag).toContain('type="button"');
    // The visible label names the switch (and clicking it toggles it).
    const id = tag.match(/id="([^"]+)"/)?.[1];
    expect(markup).toMatch(new RegExp(`<label for="${id}"[^>]*>Crowd sounds</label>`));
    expect(markup).toContain('data-ambient-enabled="false"');
    // A native button: focusable, Space and Enter toggle it; the ring shows where focus is.
    expect(tag).not.toContain('tabindex="-1"');
    expect(tag).toContain('focus-visible:outline-2');
    expect(tag).not.toMatch(DISABLED_ATTRIBUTE);
  });

  it('says when it is on', () => {
    const markup = render(true);
    expect(switchTag(markup)).toContain('aria-checked="true"');
    expect(markup).toContain('data-ambient-enabled="true"');
  });

  it('is disabled, off and explains itself where the browser has no Web Audio', () => {
    const markup = render(true, false);
    const tag = switchTag(markup);
    expect(tag).toMatch(DISABLED_ATTRIBUTE);
    expect(tag).toContain('aria-checked="false"');
    const hintId = tag.match(/aria-describedby="([^"]+)"/)?.[1];
    expect(markup).toMatch(new RegExp(`id="${hintId}"[^>]*>Not available in this browser<`));
  });
});
