/**
 * Writes a data-directory tar into a folder as its bytes arrive, with plain Node file writes (much faster than
 * PGlite's loadDataDir, which goes through the WASM file system). Fed chunk by chunk, so a gzipped snapshot can be
 * streamed through gunzip without the whole ~26 MB tar in memory at once. Handles what PGlite's dumps contain: ustar
 * files and directories.
 */
import { importNodeOnly } from './node-only.js';

type Fs = Pick<
  typeof import('node:fs'),
  'closeSync' | 'ftruncateSync' | 'mkdirSync' | 'openSync' | 'writeFileSync' | 'writeSync'
>;

const BLOCK = 512;

/** An extractor into dir (Node only: node:fs is loaded here, out of a browser bundle's way). */
export async function tarExtractor(dir: string): Promise<TarExtractor> {
  const [fs, { join }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:path')>('node:path'),
  ]);
  return new TarExtractor(dir, fs, join);
}

interface Entry {
  fd: number;
  size: number;
  /** Bytes of the body written (or skipped as zeros) so far. */
  at: number;
}

export class TarExtractor {
  /** Bytes of a header not complete yet. */
  private header = Buffer.alloc(0);
  private entry: Entry | undefined;
  /** Body bytes of a file (or padding) still to skip. */
  private skip = 0;
  private ended = false;
  /** PG_VERSION marks a data directory as initialised (pglite.ts checks it): written last, by `end`. */
  private pgVersion: Buffer[] | undefined;

  constructor(
    private readonly dir: string,
    private readonly fs: Fs,
    private readonly join: (...parts: string[]) => string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  write(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (data.length && !this.ended) {
      if (this.skip) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
      } else if (this.entry) data = this.body(this.entry, data);
      else {
        const need = BLOCK - this.header.length;
        this.header = Buffer.concat([this.header, data.subarray(0, need)]);
        data = data.subarray(need);
        if (this.header.length === BLOCK) {
          const header = this.header;
          this.header = Buffer.alloc(0);
          this.start(header);
        }
      }
    }
  }

  /** Writes PG_VERSION; throws when the archive had none or stopped inside a file. */
  end(): void {
    if (this.entry) throw new Error('the snapshot ends inside a file');
    if (!this.pgVersion) throw new Error('the snapshot has no PG_VERSION');
    this.fs.writeFileSync(this.join(this.dir, 'PG_VERSION'), Buffer.concat(this.pgVersion), { mode: 0o600 });
  }

  private start(header: Buffer): void {
    const text = (from: number, length: number) => {
      const nul = header.indexOf(0, from);
      return header.toString('utf8', from, nul === -1 || nul > from + length ? from + length : nul);
    };
    const name = text(0, 100);
    if (!name) {
      this.ended = true; // two zero blocks end the archive
      return;
    }
    const prefix = text(345, 155);
    const size = Number.parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const path = `${prefix ? `${prefix}/` : ''}${name}`.replace(/^\/+/, '');
    if (path.includes('..')) throw new Error(`unsafe path in snapshot: ${path}`);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === '5') this.fs.mkdirSync(this.join(this.dir, path), { recursive: true, mode: 0o700 });
    if ((type !== '0' && type !== '\0') || path === 'postmaster.pid') {
      this.skip = padded;
      return;
    }
    if (path === 'PG_VERSION') this.pgVersion = [];
    const fd = path === 'PG_VERSION' ? -1 : this.fs.openSync(this.join(this.dir, path), 'w', 0o600);
    // WAL segments are 16 MB of mostly zeros: the size is set first and zero stretches are left as holes.
    if (fd !== -1) this.fs.ftruncateSync(fd, size);
    this.entry = { fd, size, at: 0 };
    if (size === 0) this.finish(this.entry, padded);
  }

  /** Takes what `data` holds of the current file's body; returns the rest. */
  private body(entry: Entry, data: Buffer): Buffer {
    const n = Math.min(entry.size - entry.at, data.length);
    const piece = data.subarray(0, n);
    if (entry.fd === -1) this.pgVersion?.push(Buffer.from(piece));
    else if (!isZero(piece)) this.fs.writeSync(entry.fd, piece, 0, n, entry.at);
    entry.at += n;
    if (entry.at === entry.size) this.finish(entry, Math.ceil(entry.size / BLOCK) * BLOCK);
    return data.subarray(n);
  }

  private finish(entry: Entry, padded: number): void {
    if (entry.fd !== -1) this.fs.closeSync(entry.fd);
    this.entry = undefined;
    this.skip = padded - entry.size;
  }
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}
