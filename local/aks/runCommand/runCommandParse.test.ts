import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shellWords';
import { parseKubectl } from './kubectlArgs';

describe('splitShellWords (sh -c word splitting)', () => {
  it.each([
    ['kubectl create --validate=false -f reboot-helper.yaml', ['kubectl', 'create', '--validate=false', '-f', 'reboot-helper.yaml']],
    ['  kubectl\tcreate \n -f  a.yaml  ', ['kubectl', 'create', '-f', 'a.yaml']],
    [`kubectl create -f 'my file.yaml'`, ['kubectl', 'create', '-f', 'my file.yaml']],
    [`kubectl create -f "my \\"quoted\\" file.yaml"`, ['kubectl', 'create', '-f', 'my "quoted" file.yaml']],
    [`kubectl create -f my\\ file.yaml`, ['kubectl', 'create', '-f', 'my file.yaml']],
    [`kubectl create -f a'b'"c"d`, ['kubectl', 'create', '-f', 'abcd']],
    [`echo '$HOME' "a\\b"`, ['echo', '$HOME', 'a\\b']],
    [`kubectl create \\\n -f x.yaml`, ['kubectl', 'create', '-f', 'x.yaml']],
    [`kubectl get pods # a comment`, ['kubectl', 'get', 'pods']],
    [`echo ''`, ['echo', '']],
    ['', []],
  ])('%j → %j', (command, words) => {
    expect(splitShellWords(command)).toEqual({ ok: true, words });
  });

  it.each([
    [`kubectl create -f 'x.yaml`, 'unterminated'],
    [`kubectl create -f "x.yaml`, 'unterminated'],
    ['kubectl get pods | head', "'|'"],
    ['kubectl get pods; reboot', "';'"],
    ['kubectl create -f $FILE', 'expansion'],
    ['echo `id`', 'expansion'],
  ])('%j is refused with exit 2 (%s)', (command, hint) => {
    const result = splitShellWords(command);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.exitCode).toBe(2);
      expect(result.message).toContain(hint);
    }
  });
});

describe('parseKubectl (cobra/pflag rules, kubectl 1.32 messages)', () => {
  it.each([
    [['create', '--validate=false', '-f', 'a.yaml'], { filenames: ['a.yaml'], validate: 'ignore' }],
    [['create', '--validate=ignore', '--filename=a.yaml'], { filenames: ['a.yaml'], validate: 'ignore' }],
    [['create', '--validate', '-f', 'a.yaml'], { filenames: ['a.yaml'], validate: 'strict' }],
    [['create', '-f', 'a.yaml'], { filenames: ['a.yaml'], validate: 'strict' }],
    [['create', '--validate=warn', '-fa.yaml'], { filenames: ['a.yaml'], validate: 'warn' }],
    [['create', '-f=a.yaml', '--filename', 'b.yaml', '-f', 'c.yaml,d.yaml'], { filenames: ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'] }],
    [['-n', 'kube-system', 'create', '-f', 'a.yaml'], { namespace: 'kube-system' }],
    [['create', '-f', 'a.yaml', '--namespace=x', '-o', 'name'], { namespace: 'x', output: 'name' }],
    [['create', '-f', 'a.yaml', '-oyaml'], { output: 'yaml' }],
    [['create', '-R', '-f', 'dir'], { recursive: true, filenames: ['dir'] }],
    [['create', '--', '-f'], undefined],
  ])('%j', (args, expected) => {
    const parsed = parseKubectl(args);
    if (expected === undefined) {
      expect(parsed.ok).toBe(false);
      return;
    }
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.create).toMatchObject(expected);
  });

  it.each([
    [['create', '--validate=false'], 1, 'error: must specify one of -f and -k\n'],
    [['create', '--validate=false', '-f'], 1, "Error: flag needs an argument: 'f' in -f\nSee 'kubectl create --help' for usage.\n"],
    [['create', '--bogus', '-f', 'x'], 1, "Error: unknown flag: --bogus\nSee 'kubectl create --help' for usage.\n"],
    [['create', '-f', 'x', '-x'], 1, "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl create --help' for usage.\n"],
    [['create', '--validate', 'false', '-f', 'x'], 1, "error: Unexpected args: [false]\nSee 'kubectl create -h' for help and examples\n"],
    [['create', '--validate=maybe', '-f', 'x'], 1, 'error: invalid - validate option "maybe"; must be one of: strict (or true), warn, ignore (or false)\n'],
    [['create', '-o', 'wide', '-f', 'x'], 1, 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n'],
    [['frob'], 1, 'error: unknown command "frob" for "kubectl"\n'],
  ])('%j fails as kubectl does', (args, exitCode, stderr) => {
    expect(parseKubectl(args)).toEqual({ ok: false, exitCode, stderr });
  });

  it.each([[['get', 'pods']], [['delete', 'pod', 'x']], [['create', 'deployment', 'x', '--image=nginx']]])(
    '%j is a real kubectl command the simulator does not interpret: exit 127',
    (args) => {
      const parsed = parseKubectl(args);
      expect(parsed).toMatchObject({ ok: false, exitCode: 127 });
    },
  );
});
