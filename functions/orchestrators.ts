// Registers the orchestrators with the Durable Functions extension.
import * as df from 'durable-functions';
import { clusterLock } from '../orchestrations/clusterLock';
import { clusterReboot } from '../orchestrations/clusterReboot';
import { orchestrators } from '../orchestrations/names';
import { nodeReboot } from '../orchestrations/nodeReboot';

df.app.orchestration(orchestrators.clusterLock, clusterLock);
df.app.orchestration(orchestrators.clusterReboot, clusterReboot);
df.app.orchestration(orchestrators.nodeReboot, nodeReboot);
