// Finds the project documents a file cites — a relative path to a Markdown file, a bare `*.md`
// name, a `DESIGN section N` — with the anchor when there is one, and GitHub's heading anchors
// of a Markdown file. URLs are left out: upstream sources (kubernetes, durabletask, AKS docs)
// are cited by URL or by an upstream file name such as `eviction.go`, and stay as they are.

export interface Citation {
  /** As written: a path such as `docs/design.md`, or a bare name such as `README.md`. */
  target: string;
  anchor?: string;
  line: number;
}

const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]'"`]+/gi;
const MARKDOWN_PATH = /(?<![\w./-])((?:\.{1,2}\/|[\w.-]+\/)*[\w-][\w.-]*\.md)(?:#([\w-]+))?(?![\w-])/g;
const DESIGN_SECTION = /\bDESIGN\s+(?:section\s+|§\s*)?\d+/g;

export function citationsIn(text: string): Citation[] {
  const citations: Citation[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(URL, '');
    for (const m of line.matchAll(MARKDOWN_PATH)) {
      citations.push({ target: m[1]!, ...(m[2] ? { anchor: m[2] } : {}), line: index + 1 });
    }
    for (const _ of line.matchAll(DESIGN_SECTION)) citations.push({ target: 'DESIGN.md', line: index + 1 });
  });
  return citations;
}

/** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
