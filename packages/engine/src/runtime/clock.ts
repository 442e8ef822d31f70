/** Time is injected: the engine asks a Clock, so timer and job tests advance a clock instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move. */
export class TestClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number = '2025-01-01T00:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(to: Date | string | number): void {
    this.ms = new Date(to).getTime();
  }

  /** Moves forward by milliseconds. */
  advance(ms: number): Date {
    if (ms < 0) throw new Error('a clock does not go back');
    this.ms += ms;
    return this.now();
  }
}
