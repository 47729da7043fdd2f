"use client";

import { createContext, useCallback, useContext, useState } from "react";

export interface Toast {
  message: string;
  tone?: "success" | "error";
}

const ToastContext = createContext<(toast: Toast) => void>(() => {});

/** Outcome messages, announced to screen readers (errors assertively), dismissed after a while. */
export function Toaster({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<(Toast & { id: number })[]>([]);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: Toast) => {
      const id = Date.now() + Math.random();
      setToasts((ts) => [...ts.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.tone === "error" ? 10_000 : 6_000);
    },
    [dismiss],
  );
  const list = (tone: "polite" | "assertive") =>
    toasts
      .filter((t) => (t.tone === "error") === (tone === "assertive"))
      .map((t) => (
        <div key={t.id} className={`flex items-start gap-3 rounded-md border px-4 py-3 text-sm shadow-lg ${t.tone === "error" ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" : "border-neutral-200 bg-white dark:border-neutral-700 dark:bg-neutral-900"}`}>
          <p className="flex-1">{t.message}</p>
          <button type="button" onClick={() => dismiss(t.id)} className="text-xs underline">Dismiss</button>
        </div>
      ));
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="pointer-events-none fixed bottom-4 right-4 z-[60] flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2 [&>*]:pointer-events-auto">
        <div role="status" aria-live="polite" className="flex flex-col gap-2">{list("polite")}</div>
        <div role="alert" aria-live="assertive" className="flex flex-col gap-2">{list("assertive")}</div>
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
