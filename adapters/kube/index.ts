// The Kubernetes adapter's public surface: a cached client per cluster and plain-JSON results.

export { createKubeClientProvider } from './clusterClients';
export type { KubeClientProvider, KubeClientProviderOptions } from './clusterClients';
export { createEntraTokenSource, needsRefresh, DEFAULT_REFRESH_MARGIN_MS } from './entraToken';
export type { BearerTokenSource } from './entraToken';
export { KubeApiError, TransientError } from './errors';
export { createKubeApis } from './kubeApis';
export type { KubeApis, KubeAuth, KubeConnection } from './kubeApis';
export { createKubeClient } from './kubeClient';
export type { KubeClient } from './kubeClient';
export { DEFAULT_LEASE_NAME, leaseHolder } from './lease';
export type { PodQuery, PodTarget } from './pods';
export * from './types';
