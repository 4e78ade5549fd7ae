// The zod pieces the activities' input schemas are made of: the cluster reference, the common
// base (cluster, runId, at), node names and the other Kubernetes names, each with an error that
// says the accepted form.
import { z } from 'zod';
import { ACCEPTED_FORMS, isBootId, isDns1123Label, isDns1123Subdomain, isImageReference, isLabelValue, isQualifiedName, isSafeAbsolutePath } from '../core/k8sNames';

const checked = (test: (value: string) => boolean, form: string) =>
  z.string().refine(test, { error: (issue) => `${JSON.stringify(issue.input)} is not accepted; use ${form}` });

export const nodeName = checked(isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain);
export const namespaceName = checked(isDns1123Label, ACCEPTED_FORMS.dns1123Label);
export const imageReference = checked(isImageReference, ACCEPTED_FORMS.imageReference);
export const bootId = checked(isBootId, ACCEPTED_FORMS.bootId);
export const qualifiedName = checked(isQualifiedName, ACCEPTED_FORMS.qualifiedName);
export const labelValue = checked((v) => v === '' || isLabelValue(v), ACCEPTED_FORMS.labelValue);
export const safeAbsolutePath = checked(isSafeAbsolutePath, ACCEPTED_FORMS.safeAbsolutePath);
export const poolName = checked(isLabelValue, 'an agent pool name (lower-case letters and digits)');
export const labels = z.record(qualifiedName, labelValue);

export const isoInstant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), {
  error: (issue) => `${JSON.stringify(issue.input)} is not accepted; use an ISO 8601 instant such as 2026-01-05T02:00:00.000Z`,
});

export const clusterRef = z.object({
  alias: z.string().min(1),
  resourceId: z.string().min(1),
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: z.string().min(1),
});

export const activityBase = {
  cluster: clusterRef,
  runId: z.string().min(1),
  at: isoInstant,
};

export const nodeActivityBase = { ...activityBase, node: nodeName };

export const drainOptions = z.object({
  deleteEmptyDirData: z.boolean(),
  force: z.boolean(),
  podSelector: z.string().optional(),
  skipWaitForDeleteTimeoutSeconds: z.number().int().min(0),
  gracePeriodSeconds: z.number().int().min(0).optional(),
  // Runs started before the setting existed carry none: they get the safer default.
  implicitBudget: z.enum(['rollout', 'off']).default('rollout'),
});

export const detectorConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sentinel'), path: safeAbsolutePath }),
  z.object({ kind: z.literal('node-label'), key: qualifiedName, value: z.string().optional() }),
  z.object({ kind: z.literal('node-condition'), condition: qualifiedName }),
]);

export const workloadRef = z.object({ kind: z.string().min(1), namespace: namespaceName, name: z.string().min(1) });
