// Two app instances on one Postgres: two pools, two cores, racing admins. The org lock in the
// core's mutations must keep "at least one active admin" true whoever wins each race.
import { and, eq, inArray, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { organizations, users, type UserRow } from "../db/schema";
import { createTestDatabase } from "../db/testing";
import { createUsersCore, RosterError, type Principal, type UsersCore } from "./index";

const ROUNDS = 50;
const LOSER_CODES = ["FORBIDDEN", "UNAUTHENTICATED", "LAST_ADMIN"];

let test: Awaited<ReturnType<typeof createTestDatabase>>;
let instances: { database: Database; core: UsersCore }[] = [];
let orgId: string;
let pair: UserRow[] = [];
let round = 0;

const principal = (u: UserRow): Principal => ({
  kind: "session",
  userId: u.id,
  orgId: u.orgId,
  email: u.email,
  role: u.role,
  sessionVersion: u.sessionVersion,
});

beforeAll(async () => {
  test = await createTestDatabase("postgres");
  if (!test.url) throw new Error("createTestDatabase('postgres') returned no url");
  // Two "app instances": separate pools (and so separate connections) on the same database.
  for (let i = 0; i < 2; i++) {
    const database = await openDatabase({ kind: "postgres", url: test.url, poolSize: 4 });
    instances.push({ database, core: createUsersCore(database.db, { appUrl: "http://roster.test" }) });
  }
  const { db } = test;
  const [org] = await db.insert(organizations).values({ name: "Race", slug: "race" }).returning();
  orgId = org!.id;
  // Bystanders: a member, a manager, and admins that are not active (they must never count).
  await db.insert(users).values(
    (
      [
        ["member", "active"],
        ["manager", "active"],
        ["admin", "deactivated"],
        ["admin", "invited"],
      ] as const
    ).map(([role, status], i) => ({
      orgId, email: `bystander${i}@race.test`, emailKey: `bystander${i}@race.test`,
      name: `Bystander ${i}`, role, status, passwordHash: status === "invited" ? null : "x",
    })),
  );
}, 60_000);

afterAll(async () => {
  for (const i of instances) await i.database.close();
  instances = [];
  await test?.close();
});

/** Exactly two active admins, A and B, freshly read (sessionVersion included). */
async function reset(): Promise<[UserRow, UserRow]> {
  const { db } = test;
  round++;
  if (pair.length) await db.delete(users).where(inArray(users.id, pair.map((u) => u.id)));
  pair = await db
    .insert(users)
    .values(
      ["a", "b"].map((x) => ({
        orgId, email: `${x}${round}@race.test`, emailKey: `${x}${round}@race.test`,
        name: `Admin ${x.toUpperCase()}${round}`, role: "admin" as const, status: "active" as const,
        passwordHash: "x",
      })),
    )
    .returning();
  expect(await activeAdmins()).toHaveLength(2);
  return [pair[0]!, pair[1]!];
}

async function activeAdmins(): Promise<string[]> {
  const rows = await test.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, "admin"), eq(users.status, "active")));
  return rows.map((r) => r.id);
}

type Op = (core: UsersCore, actor: Principal, target: UserRow) => Promise<unknown>;

/**
 * Holds the org's row lock from a third connection until both requests are queued behind it,
 * so the two transactions are certainly in flight at the same time when it is released.
 */
async function gate<T>(start: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: test.url });
  await c.connect();
  try {
    await c.query("begin");
    await c.query("select id from organizations where id = $1 for no key update", [orgId]);
    let settled = false;
    const running = start().finally(() => (settled = true));
    // Until both wait on the lock; if they finish without ever waiting (no org lock taken, a
    // regression), the assertions after the race are the ones to say so.
    const deadline = Date.now() + 5_000;
    while (!settled && Date.now() < deadline) {
      const { rows } = await c.query(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
      );
      if (rows[0].n >= 2) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    await c.query("commit");
    return await running;
  } finally {
    await c.end();
  }
}

async function race(op: Op) {
  const tally: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    const [a, b] = await reset();
    // Instance 1 serves A, instance 2 serves B. Odd rounds: both leave at once, B first every
    // other time; even rounds: both are held at the org lock, then released together.
    const fire = () => {
      const pa = () => op(instances[0]!.core, principal(a), b);
      const pb = () => op(instances[1]!.core, principal(b), a);
      if (r % 4 === 1) {
        const yb = pb();
        return Promise.allSettled([pa(), yb]);
      }
      return Promise.allSettled([pa(), pb()]);
    };
    const results = r % 2 === 0 ? await gate(fire) : await fire();
    const won = results.map((x) => x.status === "fulfilled");
    expect(won.filter(Boolean), `round ${r}: exactly one succeeds`).toHaveLength(1);
    const loser = results.find((x): x is PromiseRejectedResult => x.status === "rejected")!;
    expect(loser.reason, `round ${r}: the loser gets a RosterError`).toBeInstanceOf(RosterError);
    const code = (loser.reason as RosterError).code;
    expect(LOSER_CODES, `round ${r}: loser code ${code}`).toContain(code);
    tally[code] = (tally[code] ?? 0) + 1;
    tally[won[0] ? "A won" : "B won"] = (tally[won[0] ? "A won" : "B won"] ?? 0) + 1;
    // The winner is the one active admin left.
    const winner = won[0] ? a : b;
    expect(await activeAdmins(), `round ${r}: one active admin remains`).toEqual([winner.id]);
  }
  return tally;
}

describe("two instances racing on one Postgres", () => {
  it(`A demotes B while B demotes A: one wins, one admin remains (${ROUNDS} rounds)`, async () => {
    const tally = await race((core, actor, target) => core.changeRole(actor, target.id, { role: "member" }));
    console.info("[race] changeRole:", tally);
    // Demoting bumps session_version, so the loser's next request is refused.
  });

  it(`A deactivates B while B deactivates A (${ROUNDS} rounds)`, async () => {
    const tally = await race((core, actor, target) => core.deactivate(actor, target.id));
    console.info("[race] deactivate:", tally);
  });

  it(`A deletes B while B deletes A (${ROUNDS} rounds)`, async () => {
    const tally = await race((core, actor, target) => core.delete(actor, target.id));
    console.info("[race] delete:", tally);
  });

  // (A loser refused as UNAUTHENTICATED is not audited: its session no longer names anyone.)
  it("each winning change is audited exactly once", async () => {
    const rows = await test.db.execute(
      sql`select action, outcome, count(*)::int as n from audit_events where org_id = ${orgId} group by 1, 2 order by 1, 2`,
    );
    const byKey = Object.fromEntries(
      (rows as unknown as { rows: { action: string; outcome: string; n: number }[] }).rows.map((r) => [
        `${r.action}/${r.outcome}`,
        r.n,
      ]),
    );
    expect(byKey["user.role_changed/success"]).toBe(ROUNDS);
    expect(byKey["user.deactivated/success"]).toBe(ROUNDS);
    expect(byKey["user.deleted/success"]).toBe(ROUNDS);
  });
});
