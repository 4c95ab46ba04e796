/** A clock tests move by hand: `sleep` advances it instead of waiting, so nothing real ever sleeps. */
export class FakeClock {
  t: number;
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  };

  advance(ms: number): void {
    this.t += ms;
  }
}
