import { describe, expect, it } from 'vitest';
import { buildNotification, NOTIFICATION_EVENTS } from '../../core/notifyMessages';
import { genericPayload, payloadFor, slackPayload, teamsPayload } from './payloads';

const facts = {
  cluster: 'prod-weu',
  runId: '20260301T020000Z-ab12',
  at: '2026-03-01T02:00:00.000Z',
  node: 'aks-user-12345678-vmss000000',
  step: 'reboot',
  reason: 'x'.repeat(4000),
  detail: 'y'.repeat(4000),
  counts: { total: 4, done: 1, failed: 1, remaining: 2 },
};

describe('payloads for every event', () => {
  it.each(NOTIFICATION_EVENTS)('%s fits the chat limits and keeps its colour', (event) => {
    const n = buildNotification({ ...facts, event });
    const slack = slackPayload(n);
    const teams = teamsPayload(n);
    // Teams refuses messages over 28 KB; Slack sections take 3000 characters, fields 2000.
    expect(JSON.stringify(teams).length).toBeLessThan(28 * 1024);
    const blocks = slack.blocks as Array<{ text?: { text: string }; fields?: Array<{ text: string }> }>;
    expect(blocks[0]!.text!.text.length).toBeLessThanOrEqual(3000);
    for (const f of blocks[1]!.fields!) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(blocks[1]!.fields!.length).toBeLessThanOrEqual(10);
    const colour = { good: 'Good', attention: 'Attention', neutral: 'Default' }[n.tone];
    expect(teams.attachments[0]!.content.body[0]).toMatchObject({ color: colour });
    expect(genericPayload(n).event).toBe(event);
  });

  it('picks the body by kind', () => {
    const n = buildNotification({ ...facts, event: 'node-rebooted' });
    expect(payloadFor('slack', n)).toEqual(slackPayload(n));
    expect(payloadFor('teams', n)).toEqual(teamsPayload(n));
    expect(payloadFor('generic', n)).toEqual(genericPayload(n));
    expect(Object.keys(genericPayload(n))).toEqual(['event', 'cluster', 'runId', 'node', 'step', 'reason', 'counts', 'detail', 'message', 'at']);
  });

  it('escapes Slack control characters, so no text can mention @channel or a user', () => {
    const n = buildNotification({ ...facts, event: 'node-failed', reason: '<!channel> & <@U123>' });
    const slack = JSON.stringify(slackPayload(n));
    expect(slack).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(slack).not.toContain('<!channel>');
    expect(slack).not.toContain('<@U123>');
  });
});
