import { startHost } from '../host';
export const s = startHost;
