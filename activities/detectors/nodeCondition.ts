// REBOOT_DETECTOR=node-condition: an agent reports a node condition (e.g. RebootRequired) whose
// status True means a reboot is required. A condition that is absent or Unknown means the agent
// did not say: "unknown", never "not required".
import type { CheckResult, DetectorConfig } from '../contracts';
import type { RebootDetector } from './detector';

export function nodeConditionDetector(config: Extract<DetectorConfig, { kind: 'node-condition' }>): RebootDetector {
  return {
    name: 'node-condition',
    start(nodes) {
      const results = nodes.map((node): CheckResult => {
        const condition = node.conditions.find((c) => c.type === config.condition);
        if (condition?.status === 'True') return { node: node.name, status: 'required' };
        if (condition?.status === 'False') return { node: node.name, status: 'not-required' };
        const why = condition ? `condition ${config.condition} is ${condition.status}` : `the node reports no ${config.condition} condition (is the agent that sets it running?)`;
        return { node: node.name, status: 'unknown', reason: why };
      });
      return Promise.resolve({ results, pending: [] });
    },
  };
}
