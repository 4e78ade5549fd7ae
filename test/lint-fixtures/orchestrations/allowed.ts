import * as df from 'durable-functions';
import type { EvictPodsInput } from '../activities/evictPods';
import { names } from './names';
export type Input = EvictPodsInput;
export const used = [df, names];
export const fireAt = (ms: number): Date => new Date(ms + 1000);
