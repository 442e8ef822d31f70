/**
 * The server's log sink: lines are collected and written to a file descriptor (stdout) asynchronously, one write per
 * event-loop turn, instead of a synchronous write per line on the request path (stdout to a file or pipe is
 * synchronous in Node). Order is kept (one write in flight at a time); what is pending at exit is written
 * synchronously, so no line is lost.
 */
import { write, writeSync } from 'node:fs';

export interface LogSink {
  write(line: string): void;
  /** Writes what is pending now, synchronously (before process.exit). */
  flushSync(): void;
}

export function asyncLogSink(fd = 1): LogSink {
  let pending: string[] = [];
  let writing = false;
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    if (writing || pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    writing = true;
    write(fd, chunk, (err) => {
      writing = false;
      if (err) {
        // A closed stdout must not take the server down; the lines are dropped.
        pending = [];
        return;
      }
      if (pending.length) drain();
    });
  };
  const flushSync = () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    try {
      writeSync(fd, chunk);
    } catch {
      // nowhere left to write
    }
  };
  process.on('exit', flushSync);
  return {
    write(line) {
      pending.push(line);
      if (!scheduled && !writing) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    flushSync,
  };
}
