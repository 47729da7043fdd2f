// The list and the export read their pages as one JSON text per row (list.ts `userFromJson`):
// the rows must be exactly what Drizzle's own select maps, column by column, whatever the
// columns hold (nulls, every optional field, non-ASCII text, microsecond timestamps, a session
// time zone that is not UTC).
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/client";
import { users } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { uniqueEmail } from "../testing/helpers";
import { toUserDTO } from "./context";
import { userFromJson } from "./list";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

async function bothWays(id: string) {
  const [drizzleRow] = await w.database.db.select().from(users).where(eq(users.id, id));
  const [json] = await queryRows<{ j: string }>(w.database.db, sql`select row_to_json(${users})::text as j from ${users} where ${users.id} = ${id}`);
  return { drizzleRow: drizzleRow!, decoded: userFromJson(json!.j) };
}

describe("userFromJson", () => {
  it("a user with every optional column null equals Drizzle's row", async () => {
    const u = await w.addUser(w.orgA, uniqueEmail("bare"), "member", "invited");
    const { drizzleRow, decoded } = await bothWays(u.id);
    expect(decoded).toEqual(drizzleRow);
    expect(decoded.passwordHash).toBeNull();
    expect(decoded.lastLoginAt).toBeNull();
  });

  it("a user with every column filled, non-ASCII text and microsecond timestamps equals Drizzle's row", async () => {
    const u = await w.addUser(w.orgA, uniqueEmail("full"), "manager");
    await w.database.db.execute(sql`
      update users set name = 'Zoë "Quote" O''Brien — 山田', login = 'zoë', first_name = 'Zoë', last_name = 'O''Brien',
        company = 'Ünïcode, Inc.', phone = '+351 912 345 678', address = E'Rua A\\nLine 2', postal_code = '1000-001',
        city = 'Lisboa', state = '—', country = 'PT', is_developer = true, must_change_password = true,
        session_version = 7, version = 42, invited_by = ${w.u.admin.id},
        last_login_at = '2030-02-03 04:05:06.789123+00', created_at = '1999-12-31 23:59:59.999999+00',
        updated_at = '2030-02-03 04:05:06.000001+00', deactivated_at = '2030-01-01 00:00:00+00'
      where id = ${u.id}`);
    const { drizzleRow, decoded } = await bothWays(u.id);
    expect(decoded).toEqual(drizzleRow);
    expect(decoded.name).toBe('Zoë "Quote" O\'Brien — 山田');
    expect(decoded.lastLoginAt!.toISOString()).toBe("2030-02-03T04:05:06.789Z");
    expect(decoded.createdAt!.toISOString()).toBe("1999-12-31T23:59:59.999Z");
    expect(typeof decoded.version).toBe("number");
  });

  it("timestamps read in a session time zone other than UTC are the same instants", async () => {
    const u = await w.addUser(w.orgA, uniqueEmail("tz"), "member");
    await w.database.db.execute(sql`update users set last_login_at = '2030-06-01 12:00:00.5+00' where id = ${u.id}`);
    const [row] = await w.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'Asia/Kolkata'`);
      return queryRows<{ j: string }>(tx, sql`select row_to_json(${users})::text as j from ${users} where ${users.id} = ${u.id}`);
    });
    expect(row!.j).toContain("+05:30");
    expect(userFromJson(row!.j).lastLoginAt!.toISOString()).toBe("2030-06-01T12:00:00.500Z");
  });

  it("the list's DTOs are the ones Drizzle's rows give", async () => {
    const page = await w.core.list(w.as(w.u.admin), { limit: 100, sort: "email" });
    const rows = await w.database.db.select().from(users).where(eq(users.orgId, w.orgA));
    const now = new Date();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(page.data.length).toBeGreaterThan(5);
    for (const dto of page.data) {
      const expected = toUserDTO(byId.get(dto.id)!, undefined, now);
      expect({ ...dto, invitation: null }).toEqual({ ...expected, invitation: null });
    }
  });
});
