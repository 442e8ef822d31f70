/**
 * Maps a request (method + path) to a spec operation by the spec's path templates. Where several templates match,
 * literal segments win over `{param}` ones, left to right (`/workflows/codename/{c}` before `/workflows/{id}/{x}`).
 */
import { HTTP_METHODS, type OpenApiDocument, type Operation, serverBasePath } from './openapi.js';

export interface OperationEntry {
  operationId: string | undefined;
  method: string;
  path: string;
  operation: Operation;
  /** JSON pointer of the operation in the spec (`/paths/~1x/get`). */
  pointer: string;
  /** JSON pointer of its path item. */
  pathPointer: string;
}

interface Template {
  path: string;
  segments: { regex: RegExp; names: string[]; literal: boolean }[];
  /** Per segment: 2 literal, 1 mixed (`{id}:publish`), 0 a whole `{param}`. */
  score: number[];
  methods: Map<string, OperationEntry>;
}

export type MatchResult =
  | { kind: 'operation'; entry: OperationEntry; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'none' };

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function compileSegment(segment: string) {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of segment.matchAll(/\{([^}]+)\}/g)) {
    pattern += escapeRegex(segment.slice(last, m.index));
    pattern += '([^/]+?)';
    names.push(m[1]!);
    last = m.index! + m[0].length;
  }
  pattern += escapeRegex(segment.slice(last));
  return { regex: new RegExp(`^${pattern}$`), names, literal: names.length === 0 };
}

export class OperationTable {
  readonly basePath: string;
  readonly entries: OperationEntry[] = [];
  private readonly templates: Template[] = [];

  constructor(
    readonly spec: OpenApiDocument,
    basePath?: string,
  ) {
    this.basePath = (basePath ?? serverBasePath(spec)).replace(/\/+$/, '');
    for (const [path, item] of Object.entries(spec.paths ?? {})) {
      const segments = splitPath(path).map(compileSegment);
      const template: Template = {
        path,
        segments,
        score: segments.map((s) => (s.literal ? 2 : s.regex.source === '^([^/]+?)$' ? 0 : 1)),
        methods: new Map(),
      };
      for (const method of HTTP_METHODS) {
        const operation = item?.[method] as Operation | undefined;
        if (!operation || typeof operation !== 'object') continue;
        const entry: OperationEntry = {
          operationId: operation.operationId,
          method: method.toUpperCase(),
          path,
          operation,
          pointer: `/paths/${escapePointer(path)}/${method}`,
          pathPointer: `/paths/${escapePointer(path)}`,
        };
        template.methods.set(entry.method, entry);
        this.entries.push(entry);
      }
      this.templates.push(template);
    }
    // Most specific first: compare segment scores left to right.
    this.templates.sort((a, b) => {
      for (let i = 0; i < Math.min(a.score.length, b.score.length); i++) {
        if (a.score[i] !== b.score[i]) return b.score[i]! - a.score[i]!;
      }
      return a.score.length - b.score.length;
    });
  }

  /** Strips the base path; undefined when the path is not under it. */
  relative(pathname: string): string | undefined {
    if (!this.basePath) return pathname;
    if (pathname === this.basePath) return '/';
    return pathname.startsWith(`${this.basePath}/`) ? pathname.slice(this.basePath.length) : undefined;
  }

  /** Matches a path relative to the base path. */
  match(method: string, relativePath: string): MatchResult {
    const parts = splitPath(relativePath);
    let allowed: string[] | undefined;
    for (const t of this.templates) {
      if (t.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = t.segments[i]!;
        const m = seg.regex.exec(parts[i]!);
        if (!m) ok = false;
        else
          seg.names.forEach((name, j) => {
            try {
              params[name] = decodeURIComponent(m[j + 1]!);
            } catch {
              params[name] = m[j + 1]!;
            }
          });
      }
      if (!ok) continue;
      const entry = t.methods.get(method.toUpperCase());
      if (entry) return { kind: 'operation', entry, params };
      allowed ??= [...t.methods.keys()];
    }
    return allowed ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
  }

  find(operationId: string): OperationEntry | undefined {
    return this.entries.find((e) => e.operationId === operationId);
  }

  findByPath(method: string, path: string): OperationEntry | undefined {
    return this.entries.find((e) => e.method === method.toUpperCase() && e.path === path);
  }

  /** Default owned prefixes: base path + leading literal segments (at most two) of each spec path. */
  defaultPrefixes(): string[] {
    const prefixes = new Set<string>();
    for (const path of Object.keys(this.spec.paths ?? {})) {
      const lead: string[] = [];
      for (const seg of splitPath(path)) {
        if (seg.includes('{') || lead.length === 2) break;
        lead.push(seg);
      }
      prefixes.add(`${this.basePath}/${lead.join('/')}`.replace(/\/+$/, '') || '/');
    }
    return [...prefixes].filter((p) => ![...prefixes].some((q) => q !== p && p.startsWith(`${q}/`)));
  }
}
