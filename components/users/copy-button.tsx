"use client";

import { useState } from "react";
import { useToast } from "@/components/ui/toaster";

/** Copies a value shown beside it (a password or link); says so, and says when it cannot. */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  return (
    <button
      type="button"
      aria-label={label}
      className={className}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          toast({ tone: "success", message: "Copied to the clipboard" });
        } catch {
          toast({ tone: "error", message: "The browser did not allow copying; select the text and copy it yourself" });
        }
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}
