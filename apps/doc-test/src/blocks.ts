/**
 * README code blocks: every ```ts and ```sh fence of a Markdown file, with the doc-test marker that precedes it.
 *
 * A block runs unless the line right before its fence is `<!-- doc-test: skip: <why> -->`; the reason is required, so
 * a block that cannot run says why where the reader sees it (in the Markdown source).
 */
import { readFileSync } from 'node:fs';

export type Lang = 'ts' | 'sh';

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: Lang;
  code: string;
  /** Why the block does not run, when it is marked so. */
  skip?: string;
}

const FENCE = /^```(\w+)?\s*$/;
const MARKER = /^<!--\s*doc-test:\s*(.*?)\s*-->$/;
const LANGS: Record<string, Lang> = { ts: 'ts', typescript: 'ts', sh: 'sh', bash: 'sh', shell: 'sh' };

export class MarkerError extends Error {}

export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new MarkerError(`${file}:${i + 1}: unclosed code fence`);
    const lang = open[1] ? LANGS[open[1]] : undefined;
    const marker = i > 0 ? MARKER.exec(lines[i - 1]!.trim()) : null;
    if (lang) {
      const block: Block = { file, line: i + 1, lang, code: lines.slice(i + 1, end).join('\n') };
      if (marker) block.skip = parseMarker(marker[1]!, `${file}:${i}`);
      blocks.push(block);
    } else if (marker) throw new MarkerError(`${file}:${i}: a doc-test marker before a block that is not ts or sh`);
    i = end;
  }
  return blocks;
}

function parseMarker(text: string, where: string): string {
  const skip = /^skip:\s*(\S.*)$/.exec(text);
  if (!skip) throw new MarkerError(`${where}: unknown doc-test marker "${text}" (write "doc-test: skip: <why>")`);
  return skip[1]!;
}

export function readBlocks(file: string, label = file): Block[] {
  return extractBlocks(readFileSync(file, 'utf8'), label);
}
