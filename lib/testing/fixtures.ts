// Test fixtures: a fresh database with two organizations and one user per role.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { organizations, users, type NewUserRow, type UserRow } from "../db/schema";
import { createTestDatabase } from "../db/testing";
import { hashPassword } from "../security/passwords";
import type { Role, Status } from "../validation/enums";
import { emailKey } from "../validation/users";
import { createUsersCore, type UsersCore } from "../users";
import type { CoreConfig } from "../users/context";
import type { Principal } from "../users/types";

export const TEST_PASSWORD = "correct horse battery staple";

export interface World {
  database: Database;
  core: UsersCore;
  orgA: string;
  orgB: string;
  /** Org A: admin, admin2, manager, auditor, member, invited, deactivated; org B: bAdmin, bMember. */
  u: Record<"admin" | "admin2" | "manager" | "auditor" | "member" | "invited" | "deactivated" | "bAdmin" | "bMember", UserRow>;
  as: (user: UserRow, extra?: Partial<Principal>) => Principal;
  /** `extra`: any other column of the row (a temporary password: `{ mustChangePassword: true }`). */
  addUser: (orgId: string, email: string, role?: Role, status?: Status, extra?: Partial<NewUserRow>) => Promise<UserRow>;
  reload: (id: string) => Promise<UserRow | undefined>;
  close: () => Promise<void>;
}

let hashCache: Promise<string> | undefined;

export async function createWorld(config: Partial<CoreConfig> = {}): Promise<World> {
  const database = await createTestDatabase();
  const { db } = database;
  const core = createUsersCore(db, { appUrl: "http://roster.test", ...config });
  hashCache ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await hashCache;
  const [a] = await db.insert(organizations).values({ name: "Org A", slug: "org-a" }).returning();
  const [b] = await db.insert(organizations).values({ name: "Org B", slug: "org-b" }).returning();
  const addUser = async (orgId: string, email: string, role: Role = "member", status: Status = "active", extra: Partial<NewUserRow> = {}) => {
    const [row] = await db
      .insert(users)
      .values({
        orgId, email, emailKey: emailKey(email), name: email.split("@")[0]!, role, status,
        passwordHash: status === "invited" ? null : passwordHash,
        deactivatedAt: status === "deactivated" ? new Date() : null,
        ...extra,
      })
      .returning();
    return row!;
  };
  const u = {
    admin: await addUser(a!.id, "admin@a.test", "admin"),
    admin2: await addUser(a!.id, "admin2@a.test", "admin"),
    manager: await addUser(a!.id, "manager@a.test", "manager"),
    auditor: await addUser(a!.id, "auditor@a.test", "auditor"),
    member: await addUser(a!.id, "member@a.test", "member"),
    invited: await addUser(a!.id, "invited@a.test", "member", "invited"),
    deactivated: await addUser(a!.id, "gone@a.test", "member", "deactivated"),
    bAdmin: await addUser(b!.id, "admin@b.test", "admin"),
    bMember: await addUser(b!.id, "member@b.test", "member"),
  };
  return {
    database,
    core,
    orgA: a!.id,
    orgB: b!.id,
    u,
    as: (user, extra = {}) => ({
      kind: "session",
      userId: user.id,
      orgId: user.orgId,
      email: user.email,
      role: user.role,
      sessionVersion: user.sessionVersion,
      ...extra,
    }),
    addUser,
    reload: async (id) => (await db.select().from(users).where(eq(users.id, id)))[0],
    close: async () => {
      await core.searchIndex.idle();
      await database.close();
    },
  };
}
