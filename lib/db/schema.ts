import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ROLES, SCOPES, STATUSES } from "../validation/enums";

export const userRole = pgEnum("user_role", ROLES);
export const userStatus = pgEnum("user_status", STATUSES);

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    /** trim + NFC + lower-case; one person per email across the installation. */
    emailKey: text("email_key").notNull(),
    name: text("name").notNull().default(""),
    role: userRole("role").notNull().default("member"),
    status: userStatus("status").notNull(),
    isDeveloper: boolean("is_developer").notNull().default(false),
    passwordHash: text("password_hash"),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    /** Bumped to end every session of the user at once (role change, deactivation, reset). */
    sessionVersion: integer("session_version").notNull().default(1),
    /** Bumped on every write: the optimistic-concurrency token for stale-write detection. */
    version: integer("version").notNull().default(1),
    login: text("login"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    company: text("company"),
    phone: text("phone"),
    address: text("address"),
    postalCode: text("postal_code"),
    city: text("city"),
    state: text("state"),
    country: text("country"),
    lastLoginAt: ts("last_login_at"),
    invitedBy: uuid("invited_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    deactivatedAt: ts("deactivated_at"),
  },
  (t) => [
    uniqueIndex("users_email_key_uq").on(t.emailKey),
    // Substring search (3+ characters) reads users_search (below), not this table.
    // Prefix search (1-2 characters) and keyset pagination, one index per sort order. The "C"
    // collation lets one btree serve both `LIKE 'ab%'` and ORDER BY.
    index("users_org_email_key").on(t.orgId, sql`${t.emailKey} collate "C"`, t.id),
    index("users_org_name").on(t.orgId, sql`lower(${t.name}) collate "C"`, t.id),
    index("users_org_created").on(t.orgId, t.createdAt, t.id),
    index("users_org_last_login").on(
      t.orgId,
      sql`coalesce(${t.lastLoginAt}, '-infinity'::timestamptz)`,
      t.id,
    ),
    index("users_org_role_status").on(t.orgId, t.role, t.status),
  ],
);

/** users_search's columns; its partitions have the same (lib/users/list.ts reads them alone). */
export const usersSearchColumns = () => ({
  // No primary key: the table is partitioned by name (migration 0008), and a partitioned
  // table's unique keys must hold the partition key. users.id is the one unique key; this
  // column follows it (the triggers of 0006 and 0008 insert, update and delete the row with
  // its user; no foreign key, whose cascade probed every partition a deleted user at a
  // time). Each partition has a unique index of its own on it (migration 0009: a partitioned
  // index on id alone cannot be unique), which the triggers and the list's semi-join use; it is
  // not inherited, so a partition added later needs its own (users-search.int.test.ts checks).
  id: uuid("id").notNull(),
  orgId: uuid("org_id").notNull(),
  /** users.email_key. */
  emailKey: text("email_key").notNull(),
  /** lower(users.name): the name sort's key and the name's search text. */
  nameKey: text("name_key").notNull(),
  createdAt: ts("created_at").notNull(),
  lastLoginAt: ts("last_login_at"),
});

/**
 * What a substring search reads: one narrow row per user (its search text and sort keys, ~120
 * bytes against ~290 for a users row), kept by triggers on users (migration 0006), never
 * written by the application. A term matching 20,000 of 1M users visits ~11,000 pages of this
 * table, which fit the default buffer pool, against ~16,000 of users' 37,000, which do not: the
 * users table's rows are read only for the page (lib/users/list.ts). And with the trigram index
 * here, a write to users that leaves these columns alone (a role or status change) adds no
 * trigram entries.
 */
export const usersSearch = pgTable(
  "users_search",
  usersSearchColumns(),
  (t) => [
    // One trigram index over both texts, joined by a control character no search term holds
    // (lib/users/list.ts SEARCH_TEXT): one index scan and one recheck per candidate, where an
    // index per column took a BitmapOr and two rechecks (~20 against ~33 ms for 20,000
    // matches at 1M users). Writes go through a small pending list; see lib/db/search-index.ts.
    index("users_search_text_trgm")
      .using("gin", sql`(${t.emailKey} || chr(1) || ${t.nameKey}) gin_trgm_ops`)
      .with({ fastupdate: "on", gin_pending_list_limit: 1024 }),
    // A common term sorted by name walks this in order and filters as it goes (searchPlan):
    // with the email key in it too (after the unique id, so it never changes the order) the
    // walk reads no table page at all (an index-only scan).
    index("users_search_org_name").on(t.orgId, sql`${t.nameKey} collate "C"`, t.id, t.emailKey),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** An invitation to join, or a password-reset link: both single-use, hashed, expiring. */
    kind: text("kind", { enum: ["invitation", "password_reset"] })
      .notNull()
      .default("invitation"),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    createdBy: uuid("created_by"),
    sentAt: ts("sent_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    acceptedAt: ts("accepted_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_uq").on(t.tokenHash),
    index("invitations_user").on(t.userId, t.createdAt),
    // Open invitations by expiry: the overview's oldest pending and expired ones.
    index("invitations_open_expires")
      .on(t.expiresAt)
      .where(sql`${t.kind} = 'invitation' and ${t.acceptedAt} is null and ${t.revokedAt} is null`),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { enum: SCOPES }).array().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_prefix_uq").on(t.prefix), index("api_keys_user").on(t.userId)],
);

/**
 * Idempotency-Key records of create and invite requests: a retried request with the same key
 * (per user) and the same body gets the first response instead of creating again. One-time
 * secrets (temporary passwords, invitation links) are never stored here.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    operation: text("operation").notNull(),
    /** SHA-256 of the operation and its parsed input (passwords left out). */
    fingerprint: text("fingerprint").notNull(),
    response: jsonb("response").$type<unknown>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("idempotency_keys_expires").on(t.expiresAt)],
);

/** Append-only. No foreign keys to users: events outlive the people they name. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    actorId: uuid("actor_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetId: uuid("target_id"),
    targetEmail: text("target_email"),
    changes: jsonb("changes").$type<Record<string, unknown>>(),
    outcome: text("outcome", { enum: ["success", "refused"] }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  // The audit log reads newest first by (created_at, id) within an org; each filter has an index
  // in that order, so a rare actor, target, action or a refusal is found without walking the
  // whole log (lib/users/audit-log.ts). Emails match case-insensitively on lower(...).
  (t) => [
    index("audit_org_created").on(t.orgId, t.createdAt, t.id),
    index("audit_org_target").on(t.orgId, t.targetId, t.createdAt, t.id),
    index("audit_org_actor").on(t.orgId, t.actorId, t.createdAt, t.id),
    index("audit_org_actor_email").on(t.orgId, sql`lower(${t.actorEmail})`, t.createdAt, t.id),
    index("audit_org_target_email").on(t.orgId, sql`lower(${t.targetEmail})`, t.createdAt, t.id),
    index("audit_org_action").on(t.orgId, t.action, t.createdAt, t.id),
    index("audit_org_refused").on(t.orgId, t.createdAt, t.id).where(sql`${t.outcome} = 'refused'`),
  ],
);

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    to: text("to").notNull(),
    template: text("template").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    createdAt: ts("created_at").notNull().defaultNow(),
    sentAt: ts("sent_at"),
    lastError: text("last_error"),
  },
  (t) => [index("email_outbox_due").on(t.status, t.nextAttemptAt)],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
export type AuditEventRow = typeof auditEvents.$inferSelect;
