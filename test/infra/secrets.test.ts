// Secret settings stay secret: REBOOT_NOTIFY_URL and REBOOT_PROMETHEUS_URL (and the alert
// webhook) reach the app only through @secure() parameters or Key Vault references, never
// through a module parameter that is not @secure() (the deployment history shows those to
// anyone with Microsoft.Resources/deployments/read), and no output carries them.
import { describe, expect, it } from 'vitest';
import { delimitedBlock, objectEntries, readInfraFile } from './bicepText';

const MAIN = readInfraFile('main.bicep');
const SECRET_SETTINGS = ['REBOOT_NOTIFY_URL', 'REBOOT_PROMETHEUS_URL'];

/** Names of the `@secure()` parameters of a Bicep file (decorators on the lines above). */
function secureParams(text: string): string[] {
  return [...text.matchAll(/@secure\(\)\s*\n(?:@\w+\(.*\)\s*\n)*param (\w+) /g)].map((m) => m[1]!);
}

/** Each top-level declaration (`var`, `module`, `resource`, `output`, `param`) with its text. */
function declarations(text: string): { kind: string; name: string; body: string }[] {
  const starts = [...text.matchAll(/^(var|module|resource|output|param) (\w+)/gm)];
  return starts.map((m, i) => ({ kind: m[1]!, name: m[2]!, body: text.slice(m.index, starts[i + 1]?.index ?? text.length) }));
}

const mentions = (body: string, names: Iterable<string>): string[] => [...names].filter((n) => new RegExp(`\\b${n}\\b`).test(body));

/** The secure parameters and every var that takes a value from one (to a fixpoint). */
function secretCarriers(text: string): Set<string> {
  const carriers = new Set(secureParams(text));
  const vars = declarations(text).filter((d) => d.kind === 'var');
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of vars) {
      if (!carriers.has(v.name) && mentions(v.body.replace(/^var \w+/, ''), carriers).length > 0) {
        carriers.add(v.name);
        grew = true;
      }
    }
  }
  return carriers;
}

const CARRIERS = secretCarriers(MAIN);

describe('secret settings', () => {
  it('come from @secure() parameters in the app-settings block', () => {
    const settings = new Map(objectEntries(delimitedBlock(MAIN, 'app-settings')).map((e) => [e.name, e.value]));
    for (const name of SECRET_SETTINGS) expect(secureParams(MAIN), name).toContain(settings.get(name));
    expect(secureParams(MAIN)).toContain('alertWebhookUrl');
  });

  it('or from Key Vault references read with the app\'s identity', () => {
    const references = new Map(objectEntries(delimitedBlock(MAIN, 'secret-settings')).map((e) => [e.name, e.value]));
    expect([...references.keys()].sort()).toEqual(SECRET_SETTINGS);
    for (const value of references.values()) expect(value).toMatch(/^'@Microsoft\.KeyVault\(VaultName=\$\{keyVaultSecrets!\.outputs\.vaultName\};SecretName=[a-z-]+\)'$/);
    expect(readInfraFile('modules/functionApp.bicep')).toMatch(/^\s+keyVaultReferenceIdentity: identityId$/m);
    expect(readInfraFile('modules/keyVaultSecrets.bicep')).toMatch(/var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'/);
  });

  it('are carried by the app-settings var (the check below follows it)', () => {
    expect(CARRIERS).toEqual(new Set(['notifyUrls', 'prometheusUrl', 'alertWebhookUrl', 'appSettings']));
  });

  it('pass only into @secure() module parameters', () => {
    const leaks: string[] = [];
    for (const module of declarations(MAIN).filter((d) => d.kind === 'module')) {
      const file = /^module \w+ '([^']+)'/.exec(module.body)![1]!;
      const secure = secureParams(readInfraFile(file));
      for (const [, name, value] of module.body.matchAll(/^\s+(\w+): (.+)$/gm)) {
        if (mentions(value!, CARRIERS).length > 0 && !secure.includes(name!)) leaks.push(`${file}: ${name} = ${value}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('appear in no output', () => {
    for (const file of ['main.bicep', 'modules/functionApp.bicep', 'modules/alerts.bicep']) {
      const text = readInfraFile(file);
      const carriers = file === 'main.bicep' ? CARRIERS : new Set(secureParams(text));
      const outputs = declarations(text).filter((d) => d.kind === 'output');
      expect(outputs.filter((o) => mentions(o.body, carriers).length > 0).map((o) => o.name), file).toEqual([]);
    }
  });

  it('would catch a module parameter that is not @secure() (the check can fail)', () => {
    const text = "@secure()\nparam token string = ''\nvar settings = {\n  A: token\n}\n";
    expect(secretCarriers(text)).toEqual(new Set(['token', 'settings']));
  });
});
