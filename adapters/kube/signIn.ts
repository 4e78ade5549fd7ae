// How the app signs in to one cluster's API server, decided from the cluster's ARM properties
// and REBOOT_USE_ADMIN_CREDENTIALS, as AKS allows it
// (learn.microsoft.com/azure/aks/control-kubeconfig-access, .../manage-local-accounts-managed-azure-ad):
// an Entra token where Entra ID is integrated (`aadProfile`); the client certificate of the
// user kubeconfig where it is not (AKS makes that certificate admin-equivalent); the admin
// kubeconfig only when asked for, and never where local accounts are disabled.

import { ADMIN_CREDENTIALS_ACCEPTED } from '../../core/settings';

export type KubeSignIn =
  /** An Entra token for the AKS server application; the server and CA from the user kubeconfig. */
  | 'entraToken'
  /** The client certificate of `listClusterUserCredential` (clusters without Entra ID). */
  | 'userCertificate'
  /** The credentials of `listClusterAdminCredential` (REBOOT_USE_ADMIN_CREDENTIALS). */
  | 'adminCredentials';

export interface SignInFacts {
  /** How the error names the cluster, e.g. `rg-shop-prod/aks-shop-prod`. */
  cluster: string;
  alias: string;
  entraEnabled: boolean;
  localAccountsDisabled: boolean;
  /** Whether REBOOT_USE_ADMIN_CREDENTIALS names this cluster (or is true). */
  adminCredentials: boolean;
}


export type SignInChoice = { ok: true; signIn: KubeSignIn } | { ok: false; problem: string };

export function chooseSignIn(facts: SignInFacts): SignInChoice {
  const { cluster, alias } = facts;
  if (facts.adminCredentials) {
    if (facts.localAccountsDisabled) {
      return {
        ok: false,
        problem: `cluster ${alias} (${cluster}) has local accounts disabled (disableLocalAccounts), so AKS refuses its admin credentials: `
          + `leave ${alias} out of REBOOT_USE_ADMIN_CREDENTIALS (it accepts ${ADMIN_CREDENTIALS_ACCEPTED}) and sign in with Entra ID, or enable local accounts on the cluster`,
      };
    }
    return { ok: true, signIn: 'adminCredentials' };
  }
  if (facts.entraEnabled) return { ok: true, signIn: 'entraToken' };
  if (facts.localAccountsDisabled) {
    return { ok: false, problem: `cluster ${alias} (${cluster}) has neither Entra ID integration nor local accounts: nothing can sign in to its API server; enable Entra ID (aadProfile) on the cluster` };
  }
  return { ok: true, signIn: 'userCertificate' };
}
