// The set-up shared by the door tests (a server action or route called as Next would call it):
// the caller comes from a faked session, the real core runs on a test database. vi.mock is
// hoisted per file, so each test file keeps its own `vi.hoisted` state and `vi.mock` calls;
// these functions register the hooks that create the world, hand it to the mocks through that
// state, close it at the end and sign the caller out before every test.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { Principal, UsersCore } from "@/lib/users";
import type { CoreConfig } from "@/lib/users/context";
import { createWorld, type World } from "@/lib/testing/fixtures";

/** State the file's mocks read: currentPrincipal answers `principal`, getUsersCore `world.core`. */
export type DoorState = { principal: Principal | null; world: World | null };

/** A fresh world for the file (beforeAll), closed after it; no caller before each test. */
export function setUpDoorWorld(state: DoorState, set: (w: World) => void, config?: Partial<CoreConfig>): void {
  beforeAll(async () => {
    const w = await createWorld(config);
    state.world = w;
    set(w);
  });
  afterAll(() => state.world?.close());
  beforeEach(() => {
    state.principal = null;
  });
}

/** State the file's mocks read: getUsersCore answers `core` and counts its calls in `coreCalls`. */
export type CountingDoorState = { principal: Principal | null; core: UsersCore | null; coreCalls: number };

/** As setUpDoorWorld, with the core's calls counted from zero before each test; `prepare` runs once on the new world. */
export function setUpCountingDoorWorld(state: CountingDoorState, set: (w: World) => void, prepare?: (w: World) => Promise<void>): void {
  let world: World | undefined;
  beforeAll(async () => {
    world = await createWorld();
    state.core = world.core;
    set(world);
    await prepare?.(world);
  });
  afterAll(() => world?.close());
  beforeEach(() => {
    state.principal = null;
    state.coreCalls = 0;
  });
}

/** A console route's error answer (exports, the users table's rows): the one JSON shape, never cached. */
export async function consoleErrorOf(res: Response) {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string[]>; requestId: string } };
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return body.error;
}
