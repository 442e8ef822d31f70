export interface PrismServer {
  url: string;
  violations: string[];
  stop(): Promise<void>;
}
export interface PrismOptions {
  api: string;
  port: number;
  mode?: 'mock' | 'proxy';
  upstream?: string;
  dynamic?: boolean;
  log?: (line: string) => void;
  timeoutMs?: number;
}
export const APIS: { api: string; mockPort: number; proxyPort: number; upstreamPath: string }[];
export function specPath(api: string): string;
export function startPrism(options: PrismOptions): Promise<PrismServer>;
export function runAll(configs: PrismOptions[], describe: (c: PrismOptions, s: PrismServer) => string): Promise<void>;
