"use client";

import dynamic from "next/dynamic";

/**
 * The user drawer (Radix Dialog, react-hook-form, zod, every user action), as a separate chunk:
 * the users page loads it only when a user is open. It still renders on the server, so a deep
 * link (`/users?user=ID`) or a reload shows the drawer in the first HTML and hydrates it with its
 * chunk; opening a user from the table fetches the chunk with the page's server render.
 */
export const LazyUserDrawer = dynamic(() => import("./user-drawer").then((m) => m.UserDrawer));

/** Starts downloading the drawer's chunk early (hovering or focusing a user in the table). */
export function preloadUserDrawer() {
  void import("./user-drawer").catch(() => {});
}
