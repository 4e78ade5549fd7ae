// What a rollout tells people: the notification events, their text (kured's message templates,
// `%s` = node name, for drain, reboot and uncordon) and structured fields, and which webhook
// format a REBOOT_NOTIFY_URL entry gets. Webhook URLs are secrets: nothing here ever puts one
// in a message or an error; `redactUrl` is the only form of a URL that may be shown.

export const NOTIFICATION_EVENTS = [
  'run-started',
  'node-draining',
  'node-drained',
  'node-rebooted',
  'node-failed',
  'run-finished',
  'run-halted',
] as const;
export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

export interface RunCounts {
  total: number;
  done: number;
  failed: number;
  remaining: number;
}

/** What happened, as the orchestrator knows it. */
export interface NotificationFacts {
  event: NotificationEventName;
  /** The cluster's configured alias. */
  cluster: string;
  runId: string;
  /** When it happened (ISO, the orchestrator's time). */
  at: string;
  node?: string;
  step?: string;
  reason?: string;
  counts?: RunCounts;
  /** Free text the orchestrator adds (e.g. "3 rebooted, 1 failed, 0 remaining"). */
  detail?: string;
  /**
   * The same for every delivery of one notification (instance id and event): activities run at
   * least once, sometimes twice at the same time, so a receiver drops repeats by this key.
   */
  idempotencyKey?: string;
}

/** REBOOT_MESSAGE_TEMPLATE_DRAIN, _REBOOT and _UNCORDON. */
export interface MessageTemplates {
  drain: string;
  reboot: string;
  uncordon: string;
}

/** kured's defaults for --message-template-drain, -reboot and -uncordon. */
export const KURED_MESSAGE_TEMPLATES: Readonly<MessageTemplates> = {
  drain: 'Draining node %s',
  reboot: 'Rebooting node %s',
  uncordon: 'Node %s rebooted & uncordoned successfully!',
};

export const MESSAGE_TEMPLATE_FORM = 'text of at most 500 characters where %s stands for the node name and %% for a percent sign, e.g. "Rebooting node %s"';
const MAX_TEMPLATE = 500;
// kured formats with Go's Sprintf: %s is the node, %% a percent sign; any other verb would
// print Go's "%!d(string=…)" noise, so settings reject it.
const TEMPLATE_VERB = /%(.|$)/gs;

/** Checks one message template for settings: only `%s` and `%%`, bounded length. */
export function checkMessageTemplate(template: string): { ok: true } | { ok: false; error: string } {
  if (template.length > MAX_TEMPLATE) return { ok: false, error: `is ${template.length} characters long; expected ${MESSAGE_TEMPLATE_FORM}` };
  for (const [verb, after] of template.matchAll(TEMPLATE_VERB)) {
    if (after !== 's' && after !== '%') return { ok: false, error: `has the verb "${verb}"; expected ${MESSAGE_TEMPLATE_FORM}` };
  }
  return { ok: true };
}

/** `%s` → node, `%%` → `%`, as kured's Sprintf(template, node) for the templates it accepts. */
export function renderTemplate(template: string, node: string): string {
  return template.replace(TEMPLATE_VERB, (verb: string, after: string) => (after === 's' ? node : after === '%' ? '%' : verb));
}

/** A notification ready for any webhook format. */
export interface Notification {
  event: NotificationEventName;
  cluster: string;
  runId: string;
  node?: string;
  step?: string;
  reason?: string;
  counts?: RunCounts;
  detail?: string;
  /** The one-line text (kured's template for node events). */
  message: string;
  at: string;
  /** A short heading for chat cards. */
  title: string;
  /** The structured fields, in display order, for chat cards. */
  fields: Array<{ name: string; value: string }>;
  /** How the event reads: good news, bad news, or neither (chat card colour). */
  tone: 'good' | 'attention' | 'neutral';
  idempotencyKey?: string;
}

// Chat services cap message sizes (Teams 28 KB); a reason is a sentence, not a log.
const MAX_TEXT = 1000;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

const TITLES: Record<NotificationEventName, string> = {
  'run-started': 'Reboot run started',
  'node-draining': 'Draining node',
  'node-drained': 'Node drained, rebooting',
  'node-rebooted': 'Node rebooted',
  'node-failed': 'Node failed',
  'run-finished': 'Reboot run finished',
  'run-halted': 'Reboot run halted',
};

const TONES: Record<NotificationEventName, Notification['tone']> = {
  'run-started': 'neutral',
  'node-draining': 'neutral',
  'node-drained': 'neutral',
  'node-rebooted': 'good',
  'node-failed': 'attention',
  'run-finished': 'good',
  'run-halted': 'attention',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function messageOf(facts: NotificationFacts, templates: MessageTemplates): string {
  const node = facts.node ?? '(unknown node)';
  const run = `Reboot run ${facts.runId} on cluster ${facts.cluster}`;
  const because = facts.reason !== undefined ? `: ${facts.reason}` : '';
  const detail = facts.detail !== undefined ? `: ${facts.detail}` : '';
  switch (facts.event) {
    case 'run-started':
      return `${run} started${facts.counts ? `: ${plural(facts.counts.total, 'node')} to reboot` : detail}`;
    // kured sends its drain message as the drain starts, its reboot message once the node is
    // drained and the reboot is issued, and its uncordon message when the node is back.
    case 'node-draining':
      return renderTemplate(templates.drain, node);
    case 'node-drained':
      return renderTemplate(templates.reboot, node);
    case 'node-rebooted':
      return renderTemplate(templates.uncordon, node);
    case 'node-failed':
      return `Node ${node} failed${facts.step !== undefined ? ` at step ${facts.step}` : ''}${because}`;
    case 'run-finished': {
      const c = facts.counts;
      return c ? `${run} finished: ${c.done} of ${plural(c.total, 'node')} rebooted, ${c.failed} failed` : `${run} finished${detail}`;
    }
    case 'run-halted':
      return `${run} halted${because}${facts.detail !== undefined ? ` (${facts.detail})` : ''}`;
  }
}

/** Builds the notification for `facts`, with kured's templates unless others are given. */
export function buildNotification(facts: NotificationFacts, templates: MessageTemplates = KURED_MESSAGE_TEMPLATES): Notification {
  const reason = facts.reason !== undefined ? clip(facts.reason) : undefined;
  const detail = facts.detail !== undefined ? clip(facts.detail) : undefined;
  const clipped: NotificationFacts = { ...facts, ...(reason !== undefined ? { reason } : {}), ...(detail !== undefined ? { detail } : {}) };
  const fields = [
    { name: 'Cluster', value: facts.cluster },
    { name: 'Run', value: facts.runId },
    ...(facts.node !== undefined ? [{ name: 'Node', value: facts.node }] : []),
    ...(facts.step !== undefined ? [{ name: 'Step', value: facts.step }] : []),
    ...(reason !== undefined ? [{ name: 'Reason', value: reason }] : []),
    ...(facts.counts
      ? [{ name: 'Nodes', value: `${facts.counts.done} done, ${facts.counts.failed} failed, ${facts.counts.remaining} remaining of ${facts.counts.total}` }]
      : []),
    ...(detail !== undefined ? [{ name: 'Detail', value: detail }] : []),
    { name: 'At', value: facts.at },
  ];
  return {
    event: facts.event,
    cluster: facts.cluster,
    runId: facts.runId,
    ...(facts.node !== undefined ? { node: facts.node } : {}),
    ...(facts.step !== undefined ? { step: facts.step } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(facts.counts ? { counts: { ...facts.counts } } : {}),
    ...(detail !== undefined ? { detail } : {}),
    message: clip(messageOf(clipped, templates)),
    at: facts.at,
    title: `${TITLES[facts.event]} · ${facts.cluster}`,
    fields,
    tone: TONES[facts.event],
    ...(facts.idempotencyKey !== undefined ? { idempotencyKey: facts.idempotencyKey } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// REBOOT_NOTIFY_URL entries: which format each one gets.

export type WebhookKind = 'slack' | 'teams' | 'generic';

export interface NotifyTarget {
  kind: WebhookKind;
  /** The URL to post to, without the kind prefix: a secret, never to be logged. */
  url: string;
  /** `scheme://host[:port]`: what logs, errors and results may show. */
  redacted: string;
}

export const NOTIFY_URL_FORM =
  'an https:// webhook URL: Slack incoming webhook (hooks.slack.com), Microsoft Teams Workflows webhook ' +
  '(*.logic.azure.com, *.powerautomate.com, *.powerplatform.com, flow.microsoft.com) or any other https endpoint for generic JSON; ' +
  'prefix it with slack+, teams+ or generic+ to choose the format for another host, e.g. teams+https://proxy.example.com/hook';

const KIND_PREFIX = /^(slack|teams|generic)\+/i;
const SLACK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];
// Workflows webhooks ("When a Teams webhook request is received") live on Logic Apps / Power
// Platform hosts; *.webhook.office.com is the retired connector webhook, which took the same
// Adaptive Card message.
const TEAMS_HOST_SUFFIXES = ['.logic.azure.com', '.powerautomate.com', '.powerplatform.com', '.webhook.office.com'];
const TEAMS_HOSTS = ['flow.microsoft.com'];

/** The format a host's webhooks take, judged by the host name alone. */
export function webhookKindOfHost(hostname: string): WebhookKind {
  const host = hostname.toLowerCase();
  if (SLACK_HOSTS.includes(host)) return 'slack';
  if (TEAMS_HOSTS.includes(host) || TEAMS_HOST_SUFFIXES.some((s) => host.endsWith(s))) return 'teams';
  return 'generic';
}

/** `scheme://host[:port]` of a URL (no credentials, path or query), or a placeholder. */
export function redactUrl(url: string): string {
  const parsed = URL.parse(url.replace(KIND_PREFIX, ''));
  return parsed && parsed.host !== '' ? `${parsed.protocol}//${parsed.host}` : '(not a URL)';
}

export interface ParseNotifyTargetOptions {
  /** Accept http:// (loopback test receivers only; production webhooks are https). */
  allowInsecureHttp?: boolean;
}

/**
 * Reads one REBOOT_NOTIFY_URL entry: an optional `slack+`, `teams+` or `generic+` prefix, then
 * the URL; without a prefix the host decides. Errors never contain the URL.
 */
export function parseNotifyTarget(raw: string, options: ParseNotifyTargetOptions = {}): { ok: true; target: NotifyTarget } | { ok: false; error: string } {
  const text = raw.trim();
  const prefix = KIND_PREFIX.exec(text);
  const url = prefix ? text.slice(prefix[0].length) : text;
  const parsed = URL.parse(url);
  if (!parsed || parsed.host === '') return { ok: false, error: `is not a URL; expected ${NOTIFY_URL_FORM}` };
  const secure = parsed.protocol === 'https:';
  if (!secure && !(options.allowInsecureHttp && parsed.protocol === 'http:')) {
    return { ok: false, error: `uses ${parsed.protocol.replace(':', '')}:// (webhook URLs carry secrets, so only https:// is accepted); expected ${NOTIFY_URL_FORM}` };
  }
  const kind = prefix ? (prefix[1]!.toLowerCase() as WebhookKind) : webhookKindOfHost(parsed.hostname);
  return { ok: true, target: { kind, url: parsed.href, redacted: `${parsed.protocol}//${parsed.host}` } };
}
