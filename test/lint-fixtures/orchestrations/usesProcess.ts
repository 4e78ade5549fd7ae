export const region = process.env.REGION;
