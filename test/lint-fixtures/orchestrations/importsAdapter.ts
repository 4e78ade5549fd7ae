import { kube } from '../adapters/kube';
export const k = kube;
