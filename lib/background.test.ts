import { describe, expect, it, vi } from "vitest";
import { backgroundRunner } from "./background";

describe("backgroundRunner", () => {
  it("one pass at a time: kicks during a pass run one more pass after it, not one each", async () => {
    let passes = 0;
    let release!: () => void;
    const runner = backgroundRunner("test", async () => {
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
    });
    runner.kick();
    runner.kick();
    runner.kick();
    release();
    await runner.idle();
    expect(passes).toBe(2);
  });

  it("a pass that throws is logged; the next kick runs again", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const pass = vi.fn(async () => Promise.reject(new Error("boom")));
    const runner = backgroundRunner("test pass", pass);
    runner.kick();
    await runner.idle();
    runner.kick();
    await runner.idle();
    expect(pass).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledWith("[roster] test pass failed:", "boom");
    error.mockRestore();
  });

  it("stop waits for the pass running and starts no other, even one already due", async () => {
    let passes = 0;
    let release!: () => void;
    const runner = backgroundRunner("test", async () => {
      passes++;
      await new Promise<void>((r) => (release = r));
    });
    runner.kick();
    runner.kick(); // due after the first
    const stopped = runner.stop();
    release();
    await stopped;
    runner.kick();
    await runner.idle();
    expect(passes).toBe(1);
  });
});
