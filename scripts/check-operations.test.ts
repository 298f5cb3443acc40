import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkOperations, headingAnchor } from './check-operations.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const infraDir = join(repoRoot, 'infra');
const files = readdirSync(infraDir)
  .filter((name) => name.endsWith('.tf'))
  .map((name) => ({ path: name, text: readFileSync(join(infraDir, name), 'utf8') }));
const runbook = readFileSync(join(repoRoot, 'docs/runbook.md'), 'utf8');
const messages = (tfFiles = files, book = runbook) => checkOperations(tfFiles, book).map((p) => p.message);
const edit = (file: string, from: string | RegExp, to: string) =>
  files.map((f) => (f.path === file ? { ...f, text: f.text.replace(from, to) } : f));

describe('check-operations on infra/ and docs/runbook.md', () => {
  it('finds every operational promise in the real files', () => {
    expect(messages()).toEqual([]);
  });

  it('reports a runbook section that is missing, and an alert without a runbook link', () => {
    const book = runbook.replace('## Gemini quota', '## Gemini limits');
    expect(messages(files, book)).toEqual(['alert gemini_quota links #gemini-quota, not in docs/runbook.md']);
    const unlinked = edit('ops.tf', /Runbook: \S+#scene-spike/, 'see the wiki');
    expect(messages(unlinked)).toEqual(['alert scene_spike links no runbook section ("Runbook: …#section")']);
  });

  it('reports a budget without its 100% threshold or kill-switch topic, and Armor without a rate limit', () => {
    expect(messages(edit('slo.tf', 'threshold_percent = 1.0', 'threshold_percent = 0.9'))).toEqual([
      'the budget lacks 80% and 100% thresholds',
    ]);
    expect(
      messages(edit('slo.tf', 'pubsub_topic                     = google_pubsub_topic.kill_switch.id', '')),
    ).toEqual(['the budget does not publish to the kill-switch topic']);
    expect(messages(edit('front-door.tf', 'enforce_on_key = "IP"', 'enforce_on_key = "ALL"'))).toEqual([
      'Cloud Armor has no per-IP rate limit',
    ]);
  });

  it('reports a kill-switch push that is unsigned, goes elsewhere, or that the relay is not told of', () => {
    expect(messages(edit('slo.tf', /oidc_token \{[^}]*\}/, ''))).toEqual([
      'the kill-switch push is not signed (push_config.oidc_token)',
    ]);
    expect(messages(edit('slo.tf', '}/api/ops/budget"', '}/budget"'))).toEqual([
      'the kill-switch push does not reach the relay’s /api/ops/budget',
    ]);
    expect(messages(edit('cloudrun.tf', /BUDGET_PUSH_AUDIENCE\s*=.*\n/, ''))).toEqual([
      'the relay is not told the budget push’s audience and account (BUDGET_PUSH_AUDIENCE, BUDGET_PUSH_SERVICE_ACCOUNT)',
    ]);
  });

  it('reports the scale-in rule broken (concurrency below two requests per scene) and TURN without 443', () => {
    const low = edit('variables.tf', /(variable "max_concurrent_requests" \{[^}]*default\s*=\s*)100/, '$160');
    expect(messages(low)).toEqual([
      'max_concurrent_requests (60) is below 2 x max_sessions_per_instance (40): scene holds would queue',
    ]);
    expect(messages(edit('turn.tf', 'ports    = ["3478", "443"]', 'ports    = ["3478", "5349"]'))).toEqual([
      'the TURN firewall does not open 443',
    ]);
    expect(
      messages(
        edit(
          'firestore.tf',
          /collection = "turns"\n {2}field {6}= "expireAt"/,
          'collection = "turns"\n  field      = "expiry"',
        ),
      ),
    ).toEqual(['no TTL policy on turns.expireAt']);
  });

  it('makes GitHub heading anchors', () => {
    expect(headingAnchor('SLO voice-to-voice')).toBe('slo-voice-to-voice');
    expect(headingAnchor('Firestore write failures')).toBe('firestore-write-failures');
  });
});
