/**
 * Reads PostgreSQL's reply to one statement straight from the wire bytes: its rows (typed by the statement's row
 * description, known from when it was prepared), the rows it changed and its command. PGlite's own path builds an
 * object per message and an array of strings per row before typing them, which cost as much JS per statement as
 * running the statement cost in WASM for the engine's small ones. An ErrorResponse is left to PGlite's parser
 * (`hasError`), so errors keep the exact shape PGlite gives them.
 */

/** A result column: its name and how its text is typed (PGlite's parser for its type, if any). */
export interface Column {
  name: string;
  typeId: number;
  parse: ((text: string, typeId: number) => unknown) | undefined;
}

export interface Reply<T> {
  rows: T[];
  /** Rows changed by INSERT, UPDATE, DELETE, MERGE or COPY, as PGlite counts them. */
  affectedRows: number;
  /** The first word of the last command tag (`COMMIT`, `ROLLBACK`, `SELECT`, ...). */
  command: string | undefined;
}

const ERROR_RESPONSE = 0x45; // 'E'
const DATA_ROW = 0x44; // 'D'
const COMMAND_COMPLETE = 0x43; // 'C'
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);
const decoder = new TextDecoder();

/** True when the reply holds an ErrorResponse. */
export function hasError(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 5 <= bytes.length; at += 1 + view.getInt32(at + 1))
    if (bytes[at] === ERROR_RESPONSE) return true;
  return false;
}

/** The rows and counts of a reply without an ErrorResponse (check `hasError` first). */
export function readReply<T>(bytes: Uint8Array, columns: readonly Column[]): Reply<T> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: T[] = [];
  let affectedRows = 0;
  let command: string | undefined;
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at];
    const end = at + 1 + view.getInt32(at + 1);
    if (type === DATA_ROW) {
      const row: Record<string, unknown> = {};
      const n = view.getInt16(at + 5);
      let p = at + 7;
      for (let i = 0; i < n; i++) {
        const length = view.getInt32(p);
        p += 4;
        const column = columns[i];
        if (!column) throw new Error(`a row has more fields than the statement describes (${n})`);
        if (length === -1) row[column.name] = null;
        else {
          const text = decoder.decode(bytes.subarray(p, p + length));
          p += length;
          row[column.name] = column.parse ? column.parse(text, column.typeId) : text;
        }
      }
      rows.push(row as T);
    } else if (type === COMMAND_COMPLETE) {
      // "INSERT 0 5", "UPDATE 3", "SELECT 2", "COMMIT": NUL-terminated
      const tag = decoder.decode(bytes.subarray(at + 5, end - 1));
      const words = tag.split(' ');
      command = words[0];
      if (command && COUNTED.has(command)) affectedRows += Number.parseInt(words[words.length - 1] ?? '', 10) || 0;
    }
    at = end;
  }
  return { rows, affectedRows, command };
}
