import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "../testing/fixtures";
import { expectCode } from "../testing/helpers";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

describe("a user's timeline", () => {
  it("lists what was done to the user, newest first, with old → new", async () => {
    const target = await w.addUser(w.orgA, "timeline@a.test", "member");
    await w.core.update(w.as(w.u.admin), target.id, { name: "Tim Line" });
    await w.core.changeRole(w.as(w.u.admin), target.id, { role: "manager" });
    const events = await w.core.timeline(w.as(w.u.auditor), target.id);
    expect(events.map((e) => e.action)).toEqual(["user.role_changed", "user.updated"]);
    expect(events[0]).toMatchObject({ actorEmail: "admin@a.test", outcome: "success", changes: { role: { old: "member", new: "manager" } } });
    expect(events[1]!.changes).toEqual({ name: { old: "timeline", new: "Tim Line" } });
    expect(await w.core.timeline(w.as(w.u.admin), target.id, { limit: 1 })).toHaveLength(1);
  });

  it("shows refusals too", async () => {
    const target = await w.addUser(w.orgA, "refused-timeline@a.test", "member");
    await expectCode(w.core.deactivate(w.as(w.u.manager), target.id), "FORBIDDEN");
    const [e] = await w.core.timeline(w.as(w.u.admin), target.id);
    expect(e).toMatchObject({ action: "user.deactivated", outcome: "refused", actorEmail: "manager@a.test" });
  });

  it("is for admins and auditors only, and only within the org", async () => {
    await expectCode(w.core.timeline(w.as(w.u.manager), w.u.member.id), "FORBIDDEN");
    await expectCode(w.core.timeline(w.as(w.u.member), w.u.member.id), "FORBIDDEN");
    await expectCode(w.core.timeline(w.as(w.u.admin), w.u.bMember.id), "NOT_FOUND");
  });
});

describe("the detail's last-admin flag", () => {
  it("is true only for the one active admin left", async () => {
    expect((await w.core.get(w.as(w.u.admin), w.u.admin.id)).isLastActiveAdmin).toBe(false);
    expect((await w.core.get(w.as(w.u.bAdmin), w.u.bAdmin.id)).isLastActiveAdmin).toBe(true);
    expect((await w.core.get(w.as(w.u.admin), w.u.member.id)).isLastActiveAdmin).toBe(false);
  });
});
