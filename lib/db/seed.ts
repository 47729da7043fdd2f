import "server-only";
import { count, sql } from "drizzle-orm";
import { generateTemporaryPassword, hashPassword } from "../security/passwords";
import { randomToken, sha256 } from "../security/tokens";
import { emailKey } from "../validation/users";
import type { Role, Status } from "../validation/enums";
import { queryRows, type Db } from "./client";
import { invitations, organizations, users, type NewUserRow } from "./schema";

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis", "Radia", "Tim", "Hedy", "Linus", "Karen", "John", "Sophie", "Yukihiro", "Guido", "Anita", "Leslie", "Shafi", "Niklaus", "Joan", "Ivan", "Mary", "Bjarne", "Adele", "Whitfield", "Lynn", "Jean", "Katherine", "Dorothy", "Brian", "Rob", "Fran", "Claude", "Marvin", "Cynthia", "Tony", "Zoë", "José", "Łukasz", "Siân", "Aoife", "Chidi", "Mei", "Olúwaseun", "Priya", "Mateus"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Ritchie", "Perlman", "Berners-Lee", "Lamarr", "Torvalds", "Spärck Jones", "McCarthy", "Wilson", "Matsumoto", "van Rossum", "Borg", "Lamport", "Goldwasser", "Wirth", "Clarke", "Sutherland", "Keller", "Stroustrup", "Goldberg", "Diffie", "Conway", "Sammet", "Johnson", "Vaughan", "Kernighan", "Pike", "Bilas", "Shannon", "Minsky", "Dwork", "Hoare", "Ngata", "Muñoz", "Nowak", "Ó Briain", "Okafor", "Chen", "Adeyemi", "Raman", "Souza", "Eriksson"];
const COMPANIES = ["Acme Corp", "Acme Labs", "Acme Retail", null];
const CITIES: [string, string, string][] = [["Lisbon", "", "PT"], ["Austin", "TX", "US"], ["Berlin", "", "DE"], ["Nairobi", "", "KE"], ["Osaka", "", "JP"], ["Montréal", "QC", "CA"]];

export interface SeedResult {
  seeded: boolean;
  admin: { email: string; password: string | null };
  others: string[];
}

/** A deterministic pseudo-random sequence, so the demo looks the same on every machine. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Seeds the demo on an empty database: "Acme" with an admin, a manager, an auditor, a member
 * and ~250 varied users, and "Globex", a second organization that proves isolation.
 */
export async function seedDemo(
  db: Db,
  opts: { adminEmail?: string; adminPassword?: string; now?: Date } = {},
): Promise<SeedResult> {
  const adminEmail = (opts.adminEmail || "admin@acme.example").trim();
  const [existing] = await db.select({ n: count() }).from(organizations);
  if (existing && existing.n > 0) {
    return { seeded: false, admin: { email: adminEmail, password: null }, others: [] };
  }
  const now = opts.now ?? new Date();
  const password = opts.adminPassword || generateTemporaryPassword(16);
  const personaHash = await hashPassword(password);
  // Everyone else gets a password nobody knows (they exist to be managed, not to sign in).
  const unknownHash = await hashPassword(randomToken());
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  return db.transaction(async (tx) => {
    const [acme] = await tx.insert(organizations).values({ name: "Acme", slug: "acme" }).returning();
    const [globex] = await tx.insert(organizations).values({ name: "Globex", slug: "globex" }).returning();
    const persona = (email: string, name: string, role: Role): NewUserRow => ({
      orgId: acme!.id, email, emailKey: emailKey(email), name, role, status: "active",
      passwordHash: personaHash, createdAt: daysAgo(400), updatedAt: daysAgo(30), lastLoginAt: daysAgo(1),
      company: "Acme Corp", city: "Lisbon", country: "PT",
    });
    const personas = [
      persona(adminEmail, "Avery Admin", "admin"),
      persona("manager@acme.example", "Morgan Manager", "manager"),
      persona("auditor@acme.example", "Alex Auditor", "auditor"),
      persona("member@acme.example", "Max Member", "member"),
    ];
    const [admin] = await tx.insert(users).values(personas).returning();

    const rows: NewUserRow[] = [];
    const used = new Set(personas.map((p) => p.emailKey));
    for (let i = 0; rows.length < 250; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const local = `${first}.${last}`.normalize("NFD").replace(/[^A-Za-z.]/g, "").toLowerCase();
      const email = `${local}${i % 7 === 0 ? i : ""}@acme.example`;
      if (used.has(email)) continue;
      used.add(email);
      const r = rand();
      const status: Status = r < 0.7 ? "active" : r < 0.87 ? "invited" : "deactivated";
      const role: Role = rand() < 0.08 ? "manager" : rand() < 0.04 ? "auditor" : rand() < 0.02 ? "admin" : "member";
      const createdDays = Math.floor(rand() * 700) + 2;
      const created = daysAgo(createdDays);
      const [city, state, country] = pick(CITIES);
      rows.push({
        orgId: acme!.id, email, emailKey: email, name: `${first} ${last}`, role, status,
        isDeveloper: rand() < 0.15,
        passwordHash: status === "invited" ? null : unknownHash,
        firstName: first, lastName: last, company: pick(COMPANIES), city, state: state || null, country,
        login: local.replace(".", "_"),
        invitedBy: admin!.id,
        createdAt: created, updatedAt: created,
        // A fifth of the active users never signed in; others within the last ~200 days.
        lastLoginAt: status === "invited" || rand() < 0.2 ? null : daysAgo(Math.floor(rand() * Math.min(200, createdDays))),
        deactivatedAt: status === "deactivated" ? daysAgo(Math.floor(rand() * 60)) : null,
      });
    }
    const inserted = await tx.insert(users).values(rows).returning({ id: users.id, status: users.status, createdAt: users.createdAt });
    const invited = inserted.filter((u) => u.status === "invited");
    if (invited.length) {
      await tx.insert(invitations).values(
        invited.map((u, i) => {
          // Every other invitation has expired: the demo shows both states.
          const expired = i % 2 === 0;
          const sent = expired ? daysAgo(20 + i) : daysAgo(i % 5);
          return {
            userId: u.id, kind: "invitation" as const, tokenHash: sha256(randomToken()),
            expiresAt: new Date(sent.getTime() + 7 * 86_400_000), createdBy: admin!.id,
            sentAt: sent, createdAt: sent,
          };
        }),
      );
    }
    const g = (email: string, name: string, role: Role): NewUserRow => ({
      orgId: globex!.id, email, emailKey: email, name, role, status: "active", passwordHash: personaHash,
      createdAt: daysAgo(100), updatedAt: daysAgo(100),
    });
    await tx.insert(users).values([
      g("admin@globex.example", "Hank Scorpio", "admin"),
      g("homer@globex.example", "Homer Simpson", "member"),
      g("frank@globex.example", "Frank Grimes", "manager"),
    ]);
    return {
      seeded: true,
      admin: { email: adminEmail, password: opts.adminPassword ? null : password },
      others: ["manager@acme.example", "auditor@acme.example", "member@acme.example", "admin@globex.example"],
    };
  });
}

/**
 * Adds `n` users to a "large" organization with set-based inserts (generate_series), for
 * benchmarks at a million users. Returns the organization's id. Run it outside a transaction:
 * it ends with VACUUM.
 */
export async function seedLarge(db: Db, n: number, opts: { slug?: string; batch?: number; onProgress?: (done: number) => void } = {}) {
  const slug = opts.slug ?? "large";
  await db.insert(organizations).values({ name: "Initech (large)", slug }).onConflictDoNothing();
  const [org] = await queryRows<{ id: string }>(db, sql`select id from organizations where slug = ${slug}`);
  const orgId = org!.id;
  const [{ have } = { have: 0 }] = await queryRows<{ have: number }>(
    db,
    sql`select count(*)::int as have from users where org_id = ${orgId}`,
  );
  const batch = opts.batch ?? 50_000;
  const firsts = sql.param(FIRST.map((f) => f.normalize("NFC")));
  const lasts = sql.param(LAST.map((l) => l.normalize("NFC")));
  const hash = await hashPassword(randomToken());
  for (let start = have; start < n; start += batch) {
    const end = Math.min(n, start + batch) - 1;
    await db.execute(sql`
      insert into users (org_id, email, email_key, name, role, status, password_hash, first_name, last_name,
                         created_at, updated_at, last_login_at, deactivated_at)
      select ${orgId}::uuid,
             'user' || g || '.' || lower(regexp_replace(l, '[^A-Za-z]', '', 'g')) || '@' || ${slug} || '.example',
             'user' || g || '.' || lower(regexp_replace(l, '[^A-Za-z]', '', 'g')) || '@' || ${slug} || '.example',
             f || ' ' || l,
             (case when g % 97 = 0 then 'admin' when g % 13 = 0 then 'manager' when g % 29 = 0 then 'auditor' else 'member' end)::user_role,
             (case when g % 10 = 0 then 'invited' when g % 17 = 0 then 'deactivated' else 'active' end)::user_status,
             case when g % 10 = 0 then null else ${hash} end,
             f, l,
             now() - (g % 1000) * interval '1 day' - (g % 86400) * interval '1 second',
             now() - (g % 1000) * interval '1 day',
             case when g % 10 = 0 or g % 7 = 0 then null else now() - (g % 300) * interval '1 day' - (g % 3600) * interval '1 second' end,
             case when g % 10 <> 0 and g % 17 = 0 then now() - (g % 90) * interval '1 day' end
      from generate_series(${start}::int, ${end}::int) as g,
           lateral (select (${firsts}::text[])[1 + (g * 7) % ${FIRST.length}] as f,
                           (${lasts}::text[])[1 + (g * 13 / 7) % ${LAST.length}] as l) names
      on conflict (email_key) do nothing`);
    opts.onProgress?.(end + 1);
  }
  // VACUUM, not only ANALYZE: it also flushes the trigram (GIN) index's pending list, which
  // a bulk insert leaves full and every search would otherwise scan linearly (measured at 1M
  // users: 7.6 ms instead of 0.3 ms for a rare term), and it sets the visibility map so that
  // index-only scans are possible. users_search is what the trigram index is on (its triggers
  // filled it with the users).
  await db.execute(sql`vacuum analyze users`);
  await db.execute(sql`vacuum analyze users_search`);
  return orgId;
}
