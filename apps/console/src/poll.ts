/**
 * Live updates by polling with backoff: a view re-reads its data every `baseMs` while the tab is visible; each
 * failure doubles the wait (up to `maxMs`), a success resets it, a hidden tab pauses. `reload()` reads now (after an
 * action). The engine has no push channel, and polling keeps the console on the public APIs only.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The wait before the next read after `failures` consecutive failures. */
export function nextDelay(failures: number, { baseMs, maxMs }: Backoff): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 10));
}

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

export function usePoll<T>(
  load: () => Promise<T>,
  deps: unknown[],
  backoff: Backoff = { baseMs: 3000, maxMs: 60_000 },
): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const failures = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async (gen: number) => {
    clearTimeout(timer.current);
    try {
      const value = await loadRef.current();
      if (gen !== generation.current) return;
      setData(value);
      setError(undefined);
      failures.current = 0;
    } catch (e) {
      if (gen !== generation.current) return;
      setError(e);
      failures.current++;
    } finally {
      if (gen === generation.current) {
        setLoading(false);
        timer.current = setTimeout(
          () => {
            if (document.visibilityState === 'hidden') {
              const resume = () => {
                document.removeEventListener('visibilitychange', resume);
                void run(gen);
              };
              document.addEventListener('visibilitychange', resume);
            } else void run(gen);
          },
          nextDelay(failures.current, backoff),
        );
      }
    }
  }, []);

  useEffect(() => {
    const gen = ++generation.current;
    setLoading(true);
    setData(undefined);
    setError(undefined);
    failures.current = 0;
    void run(gen);
    return () => {
      generation.current++;
      clearTimeout(timer.current);
    };
  }, deps);

  const reload = useCallback(() => run(generation.current), []);
  return { data, error, loading, reload };
}
