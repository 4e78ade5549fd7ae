import { nodeReboot } from '../orchestrations/nodeReboot';
export const n = nodeReboot;
