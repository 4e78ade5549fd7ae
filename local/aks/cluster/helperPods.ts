// Recognises what a container does from its shape, for the two helper pods
// (docs/design.md#exactly-once-reboot-and-the-helper-pods); anything else is an ordinary long-running container. The recognition looks at
// the command, the mounts and the pod's privileges, never at names or labels.
import type { Container, Pod } from './types';

export const REBOOT_SCRIPT = 'test "$(cat /proc/sys/kernel/random/boot_id)" = "$1" && exec systemctl reboot';

export type ContainerBehaviour =
  /** `test -f /sentinel/<file>` with a hostPath at /sentinel: exit 0 iff the host file exists. */
  | { kind: 'check-file'; hostPath: string }
  /** The boot-id-guarded reboot: reboots iff the node's boot id equals `bootId`, else exit 1. */
  | { kind: 'reboot'; bootId: string }
  /** Any other container: runs until stopped. */
  | { kind: 'run' };

export function containerBehaviour(pod: Pod, container: Container): ContainerBehaviour {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const hostPathAt = (mountPath: string): string | undefined => {
    const mount = (container.volumeMounts ?? []).find((m) => trimSlash(m.mountPath) === mountPath);
    if (!mount) return undefined;
    return (pod.spec.volumes ?? []).find((v) => v.name === mount.name)?.hostPath?.path;
  };

  if (argv.length === 3 && argv[0] === 'test' && argv[1] === '-f' && argv[2]!.startsWith('/sentinel/')) {
    const dir = hostPathAt('/sentinel');
    const file = argv[2]!.slice('/sentinel/'.length);
    if (dir !== undefined && file && !file.includes('/')) return { kind: 'check-file', hostPath: `${trimSlash(dir)}/${file}` };
  }

  if (
    argv.length === 7 && argv[0] === 'chroot' && argv[1] === '/host' && argv[2] === '/bin/sh' && argv[3] === '-c' &&
    argv[4] === REBOOT_SCRIPT && pod.spec.hostPID === true && container.securityContext?.privileged === true &&
    trimSlash(hostPathAt('/host') ?? 'x') === ''
  ) {
    return { kind: 'reboot', bootId: argv[6]! };
  }
  return { kind: 'run' };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path === '/' ? '' : path;
}
