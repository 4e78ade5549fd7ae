// The body each webhook format takes for one notification: a Slack incoming webhook
// (`text` + Block Kit `blocks`), a Microsoft Teams Workflows webhook (a message with one
// Adaptive Card attachment, the only card format Workflows accepts) and a generic JSON event.

import type { Notification, WebhookKind } from '../../core/notifyMessages';

// Slack mrkdwn treats these three as control characters; everything else is literal enough.
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SLACK_EMOJI: Record<Notification['tone'], string> = { good: ':white_check_mark:', attention: ':warning:', neutral: ':arrows_counterclockwise:' };
// Slack allows at most 10 fields per section.
const SLACK_MAX_FIELDS = 10;

export interface SlackPayload {
  text: string;
  blocks: unknown[];
}

/** `text` is the message (notifications and fallbacks), `blocks` the card; both are mrkdwn. */
export function slackPayload(n: Notification): SlackPayload {
  return {
    text: slackEscape(n.message),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${SLACK_EMOJI[n.tone]} *${slackEscape(n.title)}*\n${slackEscape(n.message)}` } },
      {
        type: 'section',
        fields: n.fields.slice(0, SLACK_MAX_FIELDS).map((f) => ({ type: 'mrkdwn', text: `*${slackEscape(f.name)}*\n${slackEscape(f.value)}` })),
      },
    ],
  };
}

/** Adaptive Card 1.4: rendered by Teams desktop, web and mobile. */
export const ADAPTIVE_CARD_VERSION = '1.4';
const CARD_COLOR: Record<Notification['tone'], string> = { good: 'Good', attention: 'Attention', neutral: 'Default' };

export interface TeamsPayload {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: { $schema: string; type: 'AdaptiveCard'; version: string; body: unknown[]; msteams: { width: 'Full' } };
  }>;
}

export function teamsPayload(n: Notification): TeamsPayload {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body: [
            { type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', color: CARD_COLOR[n.tone], wrap: true },
            { type: 'TextBlock', text: n.message, wrap: true },
            { type: 'FactSet', facts: n.fields.map((f) => ({ title: f.name, value: f.value })) },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The generic JSON event: stable field names for any receiver to route on. */
export interface GenericPayload {
  event: Notification['event'];
  cluster: string;
  runId: string;
  node?: string;
  step?: string;
  reason?: string;
  counts?: Notification['counts'];
  detail?: string;
  message: string;
  at: string;
  /** Equal for repeated deliveries of one notification: drop repeats by it. */
  idempotencyKey?: string;
}

export function genericPayload(n: Notification): GenericPayload {
  // Everything but the chat presentation (title, fields, tone).
  const { title: _title, fields: _fields, tone: _tone, ...event } = n;
  return event;
}

export function payloadFor(kind: WebhookKind, n: Notification): SlackPayload | TeamsPayload | GenericPayload {
  switch (kind) {
    case 'slack':
      return slackPayload(n);
    case 'teams':
      return teamsPayload(n);
    case 'generic':
      return genericPayload(n);
  }
}
