// REBOOT_DETECTOR=node-label: an agent on the node (e.g. a node-problem-detector plugin) sets a
// label when a reboot is required; key=value, or any value when no value is configured.
import type { DetectorConfig } from '../contracts';
import type { RebootDetector } from './detector';

export function nodeLabelDetector(config: Extract<DetectorConfig, { kind: 'node-label' }>): RebootDetector {
  return {
    name: 'node-label',
    start(nodes) {
      const results = nodes.map((node) => {
        const value = node.labels[config.key];
        const required = value !== undefined && (config.value === undefined || value === config.value);
        return { node: node.name, status: required ? ('required' as const) : ('not-required' as const) };
      });
      return Promise.resolve({ results, pending: [] });
    },
  };
}
