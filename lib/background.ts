// A piece of background work that is kicked (a write committed, a message queued, a timer):
// one pass at a time, and a kick during a pass runs one more pass after it, so no kick is lost
// and kicks never pile up. The mail sender and the search indexes' merge use it.

export interface BackgroundRunner {
  /** Run a pass now, or once more after the one running. */
  kick(): void;
  /** Resolves when no pass is running or due. */
  idle(): Promise<void>;
  /** No pass starts any more; resolves when the one running (if any) has ended. */
  stop(): Promise<void>;
}

/** `pass` handles its own failures; one that escapes is logged, and the next kick runs again. */
export function backgroundRunner(name: string, pass: () => Promise<void>): BackgroundRunner {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await pass();
      } catch (err) {
        console.error(`[roster] ${name} failed:`, err instanceof Error ? err.message : err);
      }
    } while (again && !stopped);
  };
  const idle = async () => {
    while (running) await running;
  };
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => {
      running = null;
      // A kick after the loop's last check but before here would be lost: run once more.
      if (again) kick();
    });
  };
  return {
    kick,
    idle,
    stop: async () => {
      stopped = true;
      await idle();
    },
  };
}
