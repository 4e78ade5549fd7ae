// How a pending reboot is found (REBOOT_DETECTOR): one interface, one factory. A detector
// answers at once (labels, conditions) or starts checks to collect later (check pods). A node
// whose check could not run is "unknown" with the reason, never "not required". A new
// detector is one new file here.
import type { DetectorConfig } from '../contracts';
import type { RebootDetector } from './detector';
import { nodeConditionDetector } from './nodeCondition';
import { nodeLabelDetector } from './nodeLabel';
import { sentinelDetector } from './sentinel';

export type { DetectionRequest, DetectionStart, RebootDetector } from './detector';

const DETECTORS: Record<string, (config: DetectorConfig) => RebootDetector> = {
  sentinel: (c) => sentinelDetector(c as Extract<DetectorConfig, { kind: 'sentinel' }>),
  'node-label': (c) => nodeLabelDetector(c as Extract<DetectorConfig, { kind: 'node-label' }>),
  'node-condition': (c) => nodeConditionDetector(c as Extract<DetectorConfig, { kind: 'node-condition' }>),
};

export function createDetector(config: DetectorConfig): RebootDetector {
  const make = DETECTORS[config.kind];
  if (!make) throw new Error(`REBOOT_DETECTOR ${JSON.stringify(config.kind)} is not accepted; use one of: ${Object.keys(DETECTORS).join(', ')}`);
  return make(config);
}
