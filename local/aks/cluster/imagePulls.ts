// Which images each node holds, and how a pull goes: the first pod to use an image on a node
// waits `cluster.imagePullSeconds` for the pull; a pull a scenario fault refuses fails as the
// kubelet reports it (`ErrImagePull`, then `ImagePullBackOff` until the next try, the tries
// spaced by the kubelet's image back-off: 10 s doubling up to 300 s). Images stay on the node
// across reboots (they are on its disk).

/** The kubelet's image pull back-off (pkg/kubelet/kubelet.go: imageBackOffPeriod 10 s, MaxImageBackOff 300 s). */
export const IMAGE_BACKOFF_INITIAL_SECONDS = 10;
export const IMAGE_BACKOFF_MAX_SECONDS = 300;
export const DEFAULT_IMAGE_PULL_SECONDS = 5;

export class ImagePulls {
  private readonly present = new Map<string, Set<string>>();

  constructor(readonly pullSeconds: number) {}

  has(node: string, image: string): boolean {
    return this.present.get(node)?.has(image) === true;
  }

  add(node: string, image: string): void {
    let images = this.present.get(node);
    if (!images) this.present.set(node, (images = new Set()));
    images.add(image);
  }

  /** The images of `images` the node does not hold yet, each once. */
  missing(node: string, images: (string | undefined)[]): string[] {
    return [...new Set(images.filter((i): i is string => !!i && !this.has(node, i)))];
  }
}

/** Seconds the kubelet waits before pull attempt `failures + 1` after `failures` failed ones. */
export function imageBackOffSeconds(failures: number): number {
  return Math.min(IMAGE_BACKOFF_MAX_SECONDS, IMAGE_BACKOFF_INITIAL_SECONDS * 2 ** Math.max(0, failures - 1));
}

/** The container's waiting state after a failed pull, in the kubelet's words (images/image_manager.go). */
export function errImagePull(image: string): { reason: string; message: string } {
  return {
    reason: 'ErrImagePull',
    message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://${registryOf(image)}/v2/": dial tcp: i/o timeout`,
  };
}

export function imagePullBackOff(image: string): { reason: string; message: string } {
  return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
}

function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':')) ? first : 'registry-1.docker.io';
}
