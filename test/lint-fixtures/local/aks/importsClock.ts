import { createVirtualClock } from '../clock';
export const c = createVirtualClock;
