// Tells people what the rollout does, through every REBOOT_NOTIFY_URL (secrets, read from the
// settings): kured's message templates plus structured fields. Never fails the rollout: a
// webhook that fails is counted and logged. Delivery is at least once (an activity can run
// twice): each notification carries an idempotency key, the instance it is about and the event.
import { z } from 'zod';
import { sendNotification } from '../adapters/notify/sendNotification';
import { buildNotification } from '../core/notifyMessages';
import type { NotifyInput, NotifyResult } from './contracts';
import { errorMessage, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, nodeName } from './schemas';

const notifyInput: z.ZodType<NotifyInput> = z.object({
  ...activityBase,
  instanceId: z.string().min(1).max(512),
  event: z.enum(['run-started', 'node-draining', 'node-drained', 'node-rebooted', 'node-failed', 'run-finished', 'run-halted']),
  node: nodeName.optional(),
  step: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export async function notify(raw: unknown, context: ActivityContext): Promise<NotifyResult> {
  const input = parseInput('notify', notifyInput, raw);
  const log = stepLogger(context, input, 'notify');
  const urls = context.deps.notifyUrls;
  if (urls.length === 0) return { sent: 0, failed: 0 };
  try {
    const notification = buildNotification({
      event: input.event,
      cluster: input.cluster.alias,
      runId: input.runId,
      at: input.at,
      ...(input.node !== undefined && { node: input.node }),
      ...(input.step !== undefined && { step: input.step }),
      ...(input.reason !== undefined && { reason: input.reason }),
      ...(input.message !== undefined && { detail: input.message }),
      idempotencyKey: `${input.instanceId}:${input.event}`,
    }, context.deps.messageTemplates);
    const outcomes = await sendNotification(urls, notification, {
      logger: log,
      // Settings accept http:// only for loopback receivers (tests), so this admits nothing else.
      allowInsecureHttp: true,
      ...(context.deps.fetch && { fetch: context.deps.fetch }),
    });
    const sent = outcomes.filter((o) => o.ok).length;
    return { sent, failed: outcomes.length - sent };
  } catch (error) {
    log.warn('notification not sent', { error: errorMessage(error) });
    return { sent: 0, failed: urls.length };
  }
}
