// Lists in chunks, as kubectl does (limit + continue), so a large cluster never comes back as
// one huge response; bounded, so a server that keeps answering `continue` cannot loop us forever.

export const DEFAULT_PAGE_SIZE = 500;
const MAX_PAGES = 10_000;

export interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

export async function listAllPages<T>(what: string, fetchPage: (continueToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(token);
    items.push(...result.items);
    token = result.metadata?._continue || undefined;
    if (!token) return items;
  }
  throw new Error(`${what}: still more after ${MAX_PAGES} pages; refusing to go on`);
}
