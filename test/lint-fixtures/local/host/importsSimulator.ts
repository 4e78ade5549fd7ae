import { startSimulator } from '../aks';
export const s = startSimulator;
