// The generated API classes of @kubernetes/client-node, wired for one cluster: its server and
// CA, our own bearer token (or admin client certificate), and ONE undici Agent shared by every
// request. client-node 2.x otherwise builds an agent, hence a TLS handshake, per request; its
// public RequestContext.setDispatcher lets a middleware hand every request the shared one.

import {
  AppsV1Api, CoordinationV1Api, CoreV1Api, PolicyV1Api, createConfiguration, ServerConfiguration,
  type RequestContext, type SecurityAuthentication,
} from '@kubernetes/client-node';
import { Agent } from 'undici';
import type { BearerTokenSource } from './entraToken';

export type KubeAuth =
  | { kind: 'bearer'; tokens: BearerTokenSource }
  | { kind: 'token'; token: string }
  | { kind: 'clientCertificate'; certificatePem: string; keyPem: string };

export interface KubeConnection {
  /** `https://host:port` of the API server. */
  server: string;
  /** PEM of the CA the API server's certificate chains to. */
  caPem: string;
  auth: KubeAuth;
}

export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  coordination: CoordinationV1Api;
  /** The one connection pool of this cluster's client. */
  dispatcher: Agent;
  close(): Promise<void>;
}

// Below undici's 60 s default, as client-go: cloud load balancers drop idle flows near there.
const KEEP_ALIVE_INITIAL_DELAY_MS = 30_000;

export function createKubeApis(connection: KubeConnection): KubeApis {
  if (!connection.server.startsWith('https://')) {
    throw new Error(`kube server ${JSON.stringify(connection.server)} is not accepted (expected an https:// URL)`);
  }
  const { auth } = connection;
  const dispatcher = new Agent({
    connect: {
      ca: connection.caPem,
      keepAlive: true,
      keepAliveInitialDelay: KEEP_ALIVE_INITIAL_DELAY_MS,
      ...(auth.kind === 'clientCertificate' && { cert: auth.certificatePem, key: auth.keyPem }),
    },
  });
  const authentication: SecurityAuthentication = {
    getName: () => 'aks-reboot-orchestrator bearer token',
    async applySecurityAuthentication(context: RequestContext) {
      if (auth.kind === 'bearer') context.setHeaderParam('Authorization', `Bearer ${await auth.tokens.getToken()}`);
      else if (auth.kind === 'token') context.setHeaderParam('Authorization', `Bearer ${auth.token}`);
    },
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(connection.server.replace(/\/+$/, ''), {}),
    authMethods: { default: authentication },
    promiseMiddleware: [{
      pre: (context) => {
        context.setDispatcher(dispatcher);
        return Promise.resolve(context);
      },
      post: (response) => Promise.resolve(response),
    }],
  });
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    policy: new PolicyV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    dispatcher,
    close: () => dispatcher.close(),
  };
}
