// The spotlight rendered to HTML in Node: it says who is talking (the partner or the MC) and lights up in their colour.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type AudibleSpeaker, indicatorCaption, PartnerIndicatorView } from './PartnerIndicator.js';

const render = (audible: AudibleSpeaker) =>
  renderToStaticMarkup(createElement(PartnerIndicatorView, { audible, phase: 'running' }));

describe('PartnerIndicator', () => {
  it('names the MC while the MC speaks, in the MC’s colour', () => {
    const markup = render('mc');
    expect(markup).toContain('The MC is speaking');
    expect(markup).toContain('data-speaking="mc"');
    expect(markup).toContain('data-mc-speaking="true"');
    expect(markup).toContain('border-fuchsia-300');
    expect(markup).not.toContain('border-amber-300');
  });

  it('names the partner while the partner speaks, and neither when silent', () => {
    const partner = render('partner');
    expect(partner).toContain('Partner is speaking');
    expect(partner).toContain('data-speaking="partner"');
    expect(partner).not.toContain('data-mc-speaking');
    expect(partner).toContain('border-amber-300');
    const silent = render(null);
    expect(silent).toContain('Partner is listening');
    expect(silent).toContain('data-partner-speaking="false"');
    expect(indicatorCaption(null, 'idle')).toBe('Partner is waiting in the wings');
  });
});
