// Operational promises of infra/ (issue #12), checked from the parsed HCL: a dashboard, SLOs with burn-rate
// alerts, a budget that publishes to the kill-switch topic, every alert linking an existing docs/runbook.md
// section, Cloud Armor with OWASP rules and a per-IP rate limit, coturn as an autohealed group with TLS on 443,
// turns expiring by TTL, and the scale-in rule (request concurrency leaves a scene hold per scene).
import { type InfraFile, type InfraProblem, parseHcl } from './check-infra.js';

type Item = ReturnType<typeof parseHcl>[number];
type Block = Extract<Item, { type: 'block' }>;
type Attribute = Extract<Item, { type: 'attribute' }>;

interface Found {
  file: string;
  block: Block;
}

const blocks = (items: Item[], name: string) =>
  items.filter((item): item is Block => item.type === 'block' && item.name === name);
const attribute = (block: Block, name: string) =>
  block.body.find((item): item is Attribute => item.type === 'attribute' && item.name === name);
/** The attribute's source text: its tokens' values, strings with their literal text. */
const text = (attr: Attribute | undefined) =>
  attr
    ? attr.expr
        .map((t) => (t.kind === 'string' ? [t.value, ...t.inner.map((u) => u.value)].join(' ') : t.value))
        .join(' ')
    : '';
/** Every token value of a block and its nested blocks, for "mentions" checks. */
const allText = (block: Block): string =>
  block.body.map((item) => (item.type === 'attribute' ? `${item.name} = ${text(item)}` : allText(item))).join('\n');

/** GitHub's anchor for a Markdown heading. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

export function checkOperations(files: InfraFile[], runbookMarkdown: string): InfraProblem[] {
  const problems: InfraProblem[] = [];
  const resources: Found[] = [];
  const variables = new Map<string, Block>();
  for (const file of files) {
    let items: Item[];
    try {
      items = parseHcl(file.text);
    } catch {
      continue; // checkInfra reports syntax errors
    }
    for (const block of blocks(items, 'resource')) resources.push({ file: file.path, block });
    for (const block of blocks(items, 'variable')) variables.set(block.labels[0] ?? '', block);
  }
  const ofType = (type: string) => resources.filter((r) => r.block.labels[0] === type);
  const need = (condition: boolean, message: string, where?: Found) => {
    if (!condition) problems.push({ file: where?.file ?? 'infra', line: where?.block.line ?? 1, message });
  };
  const defaultOf = (name: string) =>
    Number(text(attribute(variables.get(name) ?? ({ body: [] } as never), 'default')));

  need(ofType('google_monitoring_dashboard').length > 0, 'no Cloud Monitoring dashboard (google_monitoring_dashboard)');
  need(ofType('google_monitoring_slo').length >= 2, 'fewer than two SLOs (availability and voice-to-voice)');
  const alerts = ofType('google_monitoring_alert_policy');
  need(
    alerts.some((a) => allText(a.block).includes('select_slo_burn_rate')),
    'no burn-rate alert on an SLO (select_slo_burn_rate)',
  );

  const anchors = new Set(
    runbookMarkdown
      .split('\n')
      .filter((line) => /^#{2,3} /.test(line))
      .map((line) => headingAnchor(line.replace(/^#+ /, ''))),
  );
  for (const alert of alerts) {
    const documentation = blocks(alert.block.body, 'documentation')[0];
    const content = documentation ? text(attribute(documentation, 'content')) : '';
    const anchor = /Runbook:[^#]*#([a-z0-9-]+)/.exec(content)?.[1];
    // for_each alerts name their section through each.value; the sections are checked where the map is built.
    if (/each \. value \. section/.test(content)) continue;
    need(Boolean(anchor), `alert ${alert.block.labels[1]} links no runbook section ("Runbook: …#section")`, alert);
    if (anchor)
      need(anchors.has(anchor), `alert ${alert.block.labels[1]} links #${anchor}, not in docs/runbook.md`, alert);
  }
  for (const section of ['slo-availability', 'slo-voice-to-voice', 'kill-switch'])
    need(anchors.has(section), `docs/runbook.md has no section #${section}`);
  for (const [topic, needle] of [
    ['Gemini quota', 'upstream.quota'],
    ['Firestore write failures', 'firestore_write_failures'],
    ['instances near max', 'instance_count'],
  ] as const)
    need(
      alerts.some((a) => allText(a.block).includes(needle)),
      `no alert for ${topic} (a condition on ${needle})`,
    );

  const budget = ofType('google_billing_budget')[0];
  need(Boolean(budget), 'no billing budget (google_billing_budget)');
  if (budget) {
    const thresholds = blocks(budget.block.body, 'threshold_rules').map((r) => text(attribute(r, 'threshold_percent')));
    need(thresholds.includes('0.8') && thresholds.includes('1.0'), 'the budget lacks 80% and 100% thresholds', budget);
    const updates = blocks(budget.block.body, 'all_updates_rule')[0];
    const topic = updates ? text(attribute(updates, 'pubsub_topic')) : '';
    need(topic.includes('google_pubsub_topic'), 'the budget does not publish to the kill-switch topic', budget);
  }
  // The kill switch the relays read: the topic is pushed, signed, to the route that closes the stage.
  const push = ofType('google_pubsub_subscription').find((r) => allText(r.block).includes('google_pubsub_topic'));
  need(Boolean(push), 'nothing subscribes the relay to the kill-switch topic (google_pubsub_subscription)');
  if (push) {
    const body = allText(push.block);
    need(body.includes('/api/ops/budget'), 'the kill-switch push does not reach the relay’s /api/ops/budget', push);
    need(
      blocks(blocks(push.block.body, 'push_config')[0]?.body ?? [], 'oidc_token').length > 0,
      'the kill-switch push is not signed (push_config.oidc_token)',
      push,
    );
  }
  const relayEnv = resources.find((r) => r.block.labels[0] === 'google_cloud_run_v2_service');
  const envFile = files.find((f) => f.path.endsWith('cloudrun.tf'))?.text ?? '';
  need(
    Boolean(relayEnv) && /BUDGET_PUSH_AUDIENCE/.test(envFile) && /BUDGET_PUSH_SERVICE_ACCOUNT/.test(envFile),
    'the relay is not told the budget push’s audience and account (BUDGET_PUSH_AUDIENCE, BUDGET_PUSH_SERVICE_ACCOUNT)',
  );

  const armor = ofType('google_compute_security_policy')[0];
  need(Boolean(armor), 'no Cloud Armor policy (google_compute_security_policy)');
  if (armor) {
    const body = allText(armor.block);
    need(body.includes('evaluatePreconfiguredWaf'), 'Cloud Armor has no OWASP (preconfigured WAF) rules', armor);
    need(/enforce_on_key = IP/.test(body), 'Cloud Armor has no per-IP rate limit', armor);
  }

  const group = ofType('google_compute_region_instance_group_manager')[0];
  need(Boolean(group), 'coturn is not a regional managed instance group');
  if (group)
    need(blocks(group.block.body, 'auto_healing_policies').length > 0, 'the TURN group has no health check', group);
  const turnFirewall = ofType('google_compute_firewall').find((r) => r.block.labels[1] === 'turn');
  need(Boolean(turnFirewall && allText(turnFirewall.block).includes('443')), 'the TURN firewall does not open 443');

  need(
    ofType('google_firestore_field').some(
      (r) =>
        text(attribute(r.block, 'collection')) === 'turns' &&
        text(attribute(r.block, 'field')) === 'expireAt' &&
        blocks(r.block.body, 'ttl_config').length > 0,
    ),
    'no TTL policy on turns.expireAt',
  );

  // Scale-in: each scene holds one request (GET /api/scene-hold) and may hold a WebSocket; Cloud Run must admit
  // both for every scene an instance accepts, or holds queue and instances look idle.
  const concurrency = defaultOf('max_concurrent_requests');
  const maxSessions = defaultOf('max_sessions_per_instance');
  need(
    concurrency >= 2 * maxSessions,
    `max_concurrent_requests (${concurrency}) is below 2 x max_sessions_per_instance (${maxSessions}): scene holds would queue`,
  );
  need(defaultOf('min_instances') >= 1, 'min_instances is 0: the first scene waits for a cold start');
  const vertex = ofType('google_project_iam_member').find(
    (r) => text(attribute(r.block, 'role')) === 'roles/aiplatform.user',
  );
  need(
    Boolean(vertex && text(attribute(vertex.block, 'count')).includes('use_vertex_ai')),
    'no Vertex AI role behind var.use_vertex_ai',
  );
  return problems;
}
