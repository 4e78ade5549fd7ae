import { describe, expect, it } from 'vitest';
import { chooseSignIn, type SignInFacts } from './signIn';

const facts = (f: Partial<SignInFacts>): SignInFacts => ({ cluster: 'rg/aks', alias: 'prod', entraEnabled: true, localAccountsDisabled: false, adminCredentials: false, ...f });

describe('chooseSignIn', () => {
  it.each<[string, Partial<SignInFacts>, string]>([
    ['Entra ID: an Entra token', {}, 'entraToken'],
    ['Entra ID without local accounts: an Entra token', { localAccountsDisabled: true }, 'entraToken'],
    ['no Entra ID: the user kubeconfig\'s client certificate', { entraEnabled: false }, 'userCertificate'],
    ['admin credentials asked for: the admin kubeconfig', { adminCredentials: true }, 'adminCredentials'],
    ['admin credentials on a cluster without Entra ID', { adminCredentials: true, entraEnabled: false }, 'adminCredentials'],
  ])('%s', (_case, f, signIn) => {
    expect(chooseSignIn(facts(f))).toEqual({ ok: true, signIn });
  });

  it('refuses admin credentials where local accounts are disabled, naming the cluster, the setting and the fix', () => {
    expect(chooseSignIn(facts({ adminCredentials: true, localAccountsDisabled: true }))).toEqual({
      ok: false,
      problem: 'cluster prod (rg/aks) has local accounts disabled (disableLocalAccounts), so AKS refuses its admin credentials: leave prod out of REBOOT_USE_ADMIN_CREDENTIALS '
        + '(it accepts true, false or a comma-separated list of cluster aliases from AKS_CLUSTERS) and sign in with Entra ID, or enable local accounts on the cluster',
    });
  });

  it('says when a cluster has no way in at all', () => {
    expect(chooseSignIn(facts({ entraEnabled: false, localAccountsDisabled: true }))).toMatchObject({ ok: false, problem: expect.stringContaining('neither Entra ID integration nor local accounts') });
  });
});
