export const jitter = Math.random();
