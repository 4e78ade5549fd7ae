import { createVirtualClock } from '../local/clock';
export const c = createVirtualClock;
