import { evictPods } from '../activities/evictPods';
export const e = evictPods;
