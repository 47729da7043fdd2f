import type { Metadata } from "next";
import { headers } from "next/headers";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { themeScript } from "@/components/shell/theme";
import "./globals.css";

/** The R mark (32×32, dark rounded square). */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#171717"/>' +
  '<path d="M10 23V9h6.5a4.5 4.5 0 0 1 1.2 8.84L21.5 23h-3.4l-3.4-5H13v5zm3-8h3.4a1.75 1.75 0 0 0 0-3.5H13z" fill="#fff"/></svg>';

export const metadata: Metadata = {
  title: { default: "Roster", template: "%s · Roster" },
  description: "Manage your organization's users: invitations, roles, access and audit.",
  // Inline: Chromium asks for the icon again whenever the URL changes, and the users list changes
  // its URL with every search. As a file it was a request to the server each time (Next serves
  // public files and icon routes with max-age=0), competing with the search's own request.
  icons: { icon: `data:image/svg+xml,${encodeURIComponent(ICON_SVG)}` },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-white font-sans text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100">
        <NuqsAdapter>{children}</NuqsAdapter>
      </body>
    </html>
  );
}
