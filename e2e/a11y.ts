// axe-core on the page as it is now: zero violations (WCAG 2.x A/AA rules and axe's best practices).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const found = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.nodes.length}): ${violation.nodes[0]?.target.join(' ')} – ${violation.help}`,
  );
  console.log(`axe ${screen}: ${results.violations.length} violations, ${results.passes.length} rules passed`);
  expect(found, `axe violations on ${screen}`).toEqual([]);
}

/** Counts what leaves the page: binary sends on the `audio` data channel (or the WebSocket fallback), and hellos. */
export const COUNT_SENDS = `(() => {
  const counts = { audio: 0, hello: 0 };
  Object.defineProperty(window, '__sends', { value: counts });
  const channelSend = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    if (this.label === 'audio') counts.audio++;
    else if (typeof data === 'string' && data.includes('"hello"')) counts.hello++;
    return channelSend.call(this, data);
  };
  const socketSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data !== 'string') counts.audio++;
    else if (data.includes('"hello"')) counts.hello++;
    return socketSend.call(this, data);
  };
})();`;

export async function sends(page: Page): Promise<{ audio: number; hello: number }> {
  return page.evaluate(() => ({ ...(window as unknown as { __sends: { audio: number; hello: number } }).__sends }));
}
