// lazyComponent: the loader shared by every row's control (role menu, actions menu). Loaded once
// for the page however many rows ask; nothing rendered before; a failed load is tried again.
import { isValidElement, type ComponentType } from "react";
import { describe, expect, it, vi } from "vitest";
import { lazyComponent } from "./lazy";

const Menu: ComponentType<{ email: string }> = () => null;

describe("lazyComponent", () => {
  it("renders nothing until loaded, then the loaded component with the props given", async () => {
    const menu = lazyComponent(async () => Menu);
    expect(menu.element({ email: "a@x.example" })).toBeNull();
    await menu.load();
    const el = menu.element({ email: "a@x.example" });
    expect(isValidElement(el)).toBe(true);
    expect(el!.type).toBe(Menu);
    expect(el!.props).toEqual({ email: "a@x.example" });
  });

  it("imports once for all the rows that ask, at the same time or later", async () => {
    const importer = vi.fn(async () => Menu);
    const menu = lazyComponent(importer);
    const [a, b] = await Promise.all([menu.load(), menu.load()]);
    await menu.load();
    expect(a).toBe(Menu);
    expect(b).toBe(Menu);
    expect(importer).toHaveBeenCalledTimes(1);
  });

  it("a failed import is not kept: the next use imports again", async () => {
    const importer = vi.fn<() => Promise<typeof Menu>>().mockRejectedValueOnce(new TypeError("network")).mockResolvedValue(Menu);
    const menu = lazyComponent(importer);
    await expect(menu.load()).rejects.toThrow("network");
    expect(menu.element({ email: "a@x.example" })).toBeNull();
    await expect(menu.load()).resolves.toBe(Menu);
    expect(importer).toHaveBeenCalledTimes(2);
    expect(menu.element({ email: "a@x.example" })).not.toBeNull();
  });
});
