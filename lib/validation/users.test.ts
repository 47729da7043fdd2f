import { describe, expect, it } from "vitest";
import { USER_SORTS } from "./enums";
import {
  bulkChangeRoleSchema,
  bulkTargetsSchema,
  changeOwnPasswordSchema,
  changeRoleSchema,
  createUserSchema,
  emailKey,
  emailSchema,
  inviteUsersSchema,
  listUsersQuerySchema,
  MAX_BULK_ITEMS,
  passwordSchema,
  profileSchema,
  redeemTokenSchema,
  resetPasswordSchema,
  setPasswordSchema,
  splitList,
  updateUserSchema,
} from "./users";

const issuesOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; code: string }[] } }) =>
  r.error?.issues.map((i) => ({ path: i.path.join("."), code: i.code })) ?? [];

describe("emailSchema and emailKey", () => {
  it("trims and keeps the address as typed; the key lower-cases it", () => {
    expect(emailSchema.parse("  Bob@Example.COM ")).toBe("Bob@Example.COM");
    expect(emailKey("  Bob@Example.COM ")).toBe("bob@example.com");
    expect(emailKey(emailSchema.parse("Bob@Example.COM "))).toBe(emailKey("bob@example.com"));
  });

  it("refuses a look-alike with a Cyrillic letter (and other non-ASCII)", () => {
    // "bоb" with U+043E CYRILLIC SMALL LETTER O
    expect(emailSchema.safeParse("b\u043eb@example.com").success).toBe(false);
    expect(emailSchema.safeParse("bob@ex\u0430mple.com").success).toBe(false);
    expect(emailSchema.safeParse("jos\u00e9@example.com").success).toBe(false);
  });

  it.each([
    ["", false],
    ["   ", false],
    ["bob", false],
    ["bob@", false],
    ["@example.com", false],
    ["bob@example", false],
    [".bob@example.com", false],
    ["bo..b@example.com", false],
    ["bob.@example.com", false],
    ["bob@exa mple.com", false],
    ["bob@-example.com", false],
    ["bob@example.com\u0000", false],
    ["bob@example.com", true],
    ["o'brien+tag@mail.example.co.uk", true],
    ["first.last_x-y@sub.example.org", true],
  ])("%j → valid: %s", (input, ok) => {
    expect(emailSchema.safeParse(input).success).toBe(ok);
  });

  it("caps the length at 254 characters", () => {
    const local = "a".repeat(64);
    const domain = `${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.com`;
    const long = `${local}@${domain}`.padStart(255, "x");
    expect(long.length).toBe(255);
    expect(emailSchema.safeParse(long).success).toBe(false);
    expect(emailSchema.safeParse(`${local}@example.com`).success).toBe(true);
  });

  it("normalizes to NFC before keying", () => {
    expect(emailKey("A\u030a@x.test")).toBe(emailKey("\u00c5@x.test"));
  });
});

describe("passwordSchema (the shape half of the one password policy)", () => {
  it("refuses 7 characters and accepts 8", () => {
    expect(passwordSchema.safeParse("abcdefg").success).toBe(false);
    expect(passwordSchema.safeParse("abcdefgh").success).toBe(true);
  });

  it("counts characters, not UTF-16 units: 4 emoji are too short, 8 are fine", () => {
    expect(passwordSchema.safeParse("🔐🦄🌵🎲").success).toBe(false); // 8 UTF-16 units
    expect(passwordSchema.parse("🔐🦄🌵🎲🔐🦄🌵🎲")).toBe("🔐🦄🌵🎲🔐🦄🌵🎲");
  });

  it("accepts 73+ bytes and returns the password untouched (no truncation)", () => {
    const p = "x".repeat(100);
    expect(passwordSchema.parse(p)).toBe(p);
    const multi = "é".repeat(60); // 120 bytes
    expect(passwordSchema.parse(multi)).toBe(multi);
  });

  it("refuses more than 128 characters", () => {
    expect(passwordSchema.safeParse("x".repeat(128)).success).toBe(true);
    expect(passwordSchema.safeParse("x".repeat(129)).success).toBe(false);
  });

  it.each([["\u0000"], ["\n"], ["\t"], ["\u001b"], ["\u007f"], ["\u0085"]])(
    "refuses the control character %j",
    (c) => {
      expect(passwordSchema.safeParse(`abcd${c}efgh`).success).toBe(false);
    },
  );

  it("keeps spaces, leading and trailing (a passphrase is not trimmed)", () => {
    expect(passwordSchema.parse("  a passphrase  ")).toBe("  a passphrase  ");
  });

  it("refuses non-strings", () => {
    expect(passwordSchema.safeParse(12345678).success).toBe(false);
    expect(passwordSchema.safeParse(null).success).toBe(false);
  });
});

describe("createUserSchema", () => {
  it("defaults the role to member and parses the profile", () => {
    const v = createUserSchema.parse({ email: " new@x.test ", city: "  Oslo ", phone: "" });
    expect(v).toMatchObject({ email: "new@x.test", role: "member", city: "Oslo", phone: null });
  });

  it.each(["orgId", "passwordHash", "status", "sessionVersion", "id", "version", "emailKey"])(
    "refuses the extra field %s (strict)",
    (field) => {
      const r = createUserSchema.safeParse({ email: "new@x.test", [field]: "x" });
      expect(r.success).toBe(false);
      expect(issuesOf(r)).toContainEqual({ path: "", code: "unrecognized_keys" });
    },
  );

  it("refuses an unknown role", () => {
    expect(createUserSchema.safeParse({ email: "new@x.test", role: "owner" }).success).toBe(false);
    expect(createUserSchema.safeParse({ email: "new@x.test", role: "ADMIN" }).success).toBe(false);
  });

  it("wants the confirmation to match", () => {
    const r = createUserSchema.safeParse({ email: "n@x.test", password: "long enough pw", passwordConfirmation: "other" });
    expect(issuesOf(r)).toContainEqual({ path: "passwordConfirmation", code: "custom" });
    expect(
      createUserSchema.safeParse({ email: "n@x.test", password: "long enough pw", passwordConfirmation: "long enough pw" })
        .success,
    ).toBe(true);
  });

  it("refuses a password together with an invitation mode", () => {
    const r = createUserSchema.safeParse({
      email: "n@x.test",
      password: "long enough pw",
      passwordConfirmation: "long enough pw",
      inviteMode: "email_link",
    });
    expect(issuesOf(r)).toContainEqual({ path: "inviteMode", code: "custom" });
  });

  it("refuses an unknown invite mode", () => {
    expect(createUserSchema.safeParse({ email: "n@x.test", inviteMode: "sms" }).success).toBe(false);
  });

  it("caps names and profile fields at 200 characters", () => {
    expect(createUserSchema.safeParse({ email: "n@x.test", name: "n".repeat(201) }).success).toBe(false);
    expect(createUserSchema.safeParse({ email: "n@x.test", company: "c".repeat(201) }).success).toBe(false);
    expect(createUserSchema.safeParse({ email: "n@x.test", name: "n".repeat(200) }).success).toBe(true);
  });
});

describe("inviteUsersSchema", () => {
  it("splits pasted text on commas, semicolons and white space", () => {
    const v = inviteUsersSchema.parse({ emails: "a@x.test, b@x.test;c@x.test\n d@x.test\t\te@x.test" });
    expect(v.emails).toEqual(["a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"]);
    expect(v.role).toBe("member");
    expect(v.inviteMode).toBe("email_link");
  });

  it("keeps invalid items for per-item outcomes (they are checked one by one later)", () => {
    expect(inviteUsersSchema.parse({ emails: ["ok@x.test", " not-an-email "] }).emails).toEqual([
      "ok@x.test",
      "not-an-email",
    ]);
  });

  it("wants 1 to 1000 addresses", () => {
    expect(inviteUsersSchema.safeParse({ emails: "" }).success).toBe(false);
    expect(inviteUsersSchema.safeParse({ emails: [] }).success).toBe(false);
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}@x.test`);
    expect(inviteUsersSchema.safeParse({ emails: many }).success).toBe(false);
    expect(inviteUsersSchema.safeParse({ emails: many.slice(0, 1000) }).success).toBe(true);
  });

  it("is strict", () => {
    expect(inviteUsersSchema.safeParse({ emails: "a@x.test", orgId: "x" }).success).toBe(false);
  });
});

describe("updateUserSchema, changeRoleSchema", () => {
  it("accepts name, profile, developer flag and a version", () => {
    expect(updateUserSchema.parse({ name: " Ann ", isDeveloper: true, expectedVersion: 3 })).toEqual({
      name: "Ann",
      isDeveloper: true,
      expectedVersion: 3,
    });
  });

  it.each(["role", "status", "orgId", "passwordHash", "sessionVersion", "email", "mustChangePassword"])(
    "refuses %s (strict)",
    (field) => {
      const r = updateUserSchema.safeParse({ name: "x", [field]: field === "sessionVersion" ? 99 : "admin" });
      expect(r.success).toBe(false);
      expect(issuesOf(r)).toContainEqual({ path: "", code: "unrecognized_keys" });
    },
  );

  it("refuses an empty update, and one holding only a version", () => {
    expect(updateUserSchema.safeParse({}).success).toBe(false);
    expect(updateUserSchema.safeParse({ expectedVersion: 2 }).success).toBe(false);
  });

  it("refuses a bad version", () => {
    for (const v of [0, -1, 1.5, "2"]) expect(updateUserSchema.safeParse({ name: "x", expectedVersion: v }).success).toBe(false);
  });

  it("changeRoleSchema wants a known role and nothing else", () => {
    expect(changeRoleSchema.parse({ role: "auditor" })).toEqual({ role: "auditor" });
    expect(changeRoleSchema.safeParse({ role: "superadmin" }).success).toBe(false);
    expect(changeRoleSchema.safeParse({}).success).toBe(false);
    expect(changeRoleSchema.safeParse({ role: "member", orgId: "x" }).success).toBe(false);
  });

  it("profileSchema turns blank values into null", () => {
    expect(profileSchema.parse({ city: "   ", country: " NO " })).toEqual({ city: null, country: "NO" });
  });
});

describe("password-bearing schemas share the same rules", () => {
  const good = "a fine passphrase";
  const cases: [string, (pw: string, confirm: string) => unknown][] = [
    ["setPasswordSchema", (password, passwordConfirmation) => ({ password, passwordConfirmation })],
    [
      "changeOwnPasswordSchema",
      (password, passwordConfirmation) => ({ currentPassword: "old one", password, passwordConfirmation }),
    ],
    ["redeemTokenSchema", (password, passwordConfirmation) => ({ token: "t", password, passwordConfirmation })],
    [
      "createUserSchema",
      (password, passwordConfirmation) => ({ email: "n@x.test", password, passwordConfirmation }),
    ],
  ];
  const schemas = {
    setPasswordSchema,
    changeOwnPasswordSchema,
    redeemTokenSchema,
    createUserSchema,
  } as const;

  for (const [name, build] of cases) {
    const schema = schemas[name as keyof typeof schemas];
    it(`${name}: short, NUL and mismatch refused; long and emoji accepted`, () => {
      expect(schema.safeParse(build("short12", "short12")).success).toBe(false);
      expect(schema.safeParse(build("abc\u0000defgh", "abc\u0000defgh")).success).toBe(false);
      expect(schema.safeParse(build(good, `${good}!`)).success).toBe(false);
      expect(schema.safeParse(build("y".repeat(100), "y".repeat(100))).success).toBe(true);
      expect(schema.safeParse(build("🔐🦄🌵🎲🔐🦄🌵🎲", "🔐🦄🌵🎲🔐🦄🌵🎲")).success).toBe(true);
      expect(schema.safeParse(build(good, good)).success).toBe(true);
    });
  }

  it("resetPasswordSchema defaults to an emailed link and refuses other modes", () => {
    expect(resetPasswordSchema.parse({})).toEqual({ mode: "email_link" });
    expect(resetPasswordSchema.parse({ mode: "temporary_password" })).toEqual({ mode: "temporary_password" });
    expect(resetPasswordSchema.safeParse({ mode: "none" }).success).toBe(false);
  });

  it("redeemTokenSchema bounds the token", () => {
    expect(redeemTokenSchema.safeParse({ token: "", password: good, passwordConfirmation: good }).success).toBe(false);
    expect(
      redeemTokenSchema.safeParse({ token: "t".repeat(201), password: good, passwordConfirmation: good }).success,
    ).toBe(false);
  });
});

describe("bulkTargetsSchema", () => {
  it("accepts ids and emails as lists or text, trimmed, in order", () => {
    const v = bulkTargetsSchema.parse({ ids: "a, b\nc", emails: [" x@y.test "] });
    expect(v.ids).toEqual(["a", "b", "c"]);
    expect(v.emails).toEqual(["x@y.test"]);
  });

  it("wants at least one target and at most MAX_BULK_ITEMS", () => {
    expect(bulkTargetsSchema.safeParse({}).success).toBe(false);
    expect(bulkTargetsSchema.safeParse({ ids: [] }).success).toBe(false);
    expect(bulkTargetsSchema.safeParse({ ids: "  " }).success).toBe(false);
    const half = Array.from({ length: MAX_BULK_ITEMS / 2 + 1 }, (_, i) => `id${i}`);
    expect(bulkTargetsSchema.safeParse({ ids: half, emails: half }).success).toBe(false);
    expect(bulkTargetsSchema.safeParse({ ids: half.slice(1), emails: half.slice(1) }).success).toBe(true);
  });

  it("is strict and bounds each item", () => {
    expect(bulkTargetsSchema.safeParse({ ids: ["a"], orgId: "x" }).success).toBe(false);
    expect(bulkTargetsSchema.safeParse({ ids: ["a".repeat(321)] }).success).toBe(false);
  });

  it("bulkChangeRoleSchema needs a valid role", () => {
    expect(bulkChangeRoleSchema.parse({ ids: ["a"], role: "manager" }).role).toBe("manager");
    expect(bulkChangeRoleSchema.safeParse({ ids: ["a"] }).success).toBe(false);
    expect(bulkChangeRoleSchema.safeParse({ ids: ["a"], role: "root" }).success).toBe(false);
  });
});

describe("listUsersQuerySchema (hostile list queries)", () => {
  it("has sensible defaults", () => {
    expect(listUsersQuerySchema.parse({})).toEqual({ sort: "name", limit: 50 });
  });

  it("accepts every documented sort and nothing else", () => {
    for (const s of USER_SORTS) expect(listUsersQuerySchema.parse({ sort: s }).sort).toBe(s);
    expect(USER_SORTS).toHaveLength(8);
    for (const s of ["name;DROP TABLE users", "password_hash", "-", "name desc", "NAME", ""]) {
      expect(listUsersQuerySchema.safeParse({ sort: s }).success, s).toBe(false);
    }
  });

  it.each([
    ["1e9", 100],
    [1e9, 100],
    ["101", 100],
    ["0", 1],
    ["-5", 1],
    ["7.9", 7],
    ["25", 25],
  ])("clamps limit %j to %i", (limit, expected) => {
    expect(listUsersQuerySchema.parse({ limit }).limit).toBe(expected);
  });

  it.each(["abc", "Infinity", "NaN", "1; drop table users"])("refuses limit %j", (limit) => {
    expect(listUsersQuerySchema.safeParse({ limit }).success).toBe(false);
  });

  it("takes one or many statuses and roles, and refuses unknown ones", () => {
    expect(listUsersQuerySchema.parse({ status: "active" }).status).toEqual(["active"]);
    expect(listUsersQuerySchema.parse({ role: ["admin", "member"] }).role).toEqual(["admin", "member"]);
    expect(listUsersQuerySchema.safeParse({ status: "deleted" }).success).toBe(false);
    expect(listUsersQuerySchema.safeParse({ role: ["admin", "root"] }).success).toBe(false);
  });

  it("keeps a hostile search term as plain data, bounded in length", () => {
    expect(listUsersQuerySchema.parse({ q: "' OR 1=1 --" }).q).toBe("' OR 1=1 --");
    expect(listUsersQuerySchema.safeParse({ q: "x".repeat(201) }).success).toBe(false);
  });

  it("refuses unknown parameters and over-long cursors", () => {
    expect(listUsersQuerySchema.safeParse({ orgId: "x" }).success).toBe(false);
    expect(listUsersQuerySchema.safeParse({ cursor: "c".repeat(1001) }).success).toBe(false);
  });
});

describe("splitList", () => {
  it("drops empty items", () => {
    expect(splitList(" ,a,, ;b \n\n")).toEqual(["a", "b"]);
    expect(splitList("")).toEqual([]);
  });
});
