import { parseSettings } from '../../core/settings';
export const p = parseSettings;
