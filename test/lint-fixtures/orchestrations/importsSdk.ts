import { ContainerServiceClient } from '@azure/arm-containerservice';
import { KubeConfig } from '@kubernetes/client-node';
export const both = [ContainerServiceClient, KubeConfig];
