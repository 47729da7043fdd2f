"use client";

import { createElement, useCallback, useState, type ComponentType } from "react";

/**
 * Code that the first paint does not need (a dialog, a menu), loaded on first use: `preload` on
 * intent (hover, focus), `load` on the click that needs it. Until then the caller renders a
 * placeholder trigger with the same name and look; once loaded it renders `Component` opened
 * (`defaultOpen`), whose own trigger replaces the placeholder and gets focus back on close.
 * A failed load (network) can be retried by the next click.
 */
export function useLazyComponent<P>(importer: () => Promise<ComponentType<P>>) {
  const [Component, setComponent] = useState<ComponentType<P> | null>(null);
  const [preload] = useState(() => onceRetrying(importer));
  const load = useCallback(() => {
    preload().then((c) => setComponent(() => c), () => {});
  }, [preload]);
  return { Component, preload, load };
}

/** The handlers a placeholder trigger spreads onto itself: preload on intent, load on click. */
export interface LazyTriggerProps {
  onPointerEnter: () => void;
  onFocus: () => void;
  onClick: () => void;
}

/**
 * Renders `placeholder` (a button looking and named like the real trigger) until it is used,
 * then the loaded component with `defaultOpen`, its own trigger taking the placeholder's place.
 */
export function LazyOpen<P extends object>({
  importer,
  props,
  placeholder,
}: {
  importer: () => Promise<ComponentType<P & { defaultOpen?: boolean }>>;
  props: P;
  placeholder: (trigger: LazyTriggerProps) => React.ReactNode;
}) {
  const { Component, preload, load } = useLazyComponent(importer);
  if (Component) return <Component {...props} defaultOpen />;
  const warm = () => void preload().catch(() => {});
  return placeholder({ onPointerEnter: warm, onFocus: warm, onClick: load });
}

/**
 * A component loaded once for the whole page on first use, for controls repeated in every row
 * (a row's role menu, its actions menu): the first row that uses it loads it for all, and
 * `element(props)` renders it from then on (null before). A failed load (the network) is tried
 * again by the next use.
 */
export function lazyComponent<P extends object>(importer: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  return {
    element: (props: P) => (loaded ? createElement(loaded, props) : null),
    load: onceRetrying(() => importer().then((c) => (loaded = c))),
  };
}

/** `load` called once and its promise shared; after a failure (the network) the next call tries again. */
function onceRetrying<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((err: unknown) => {
      pending = null;
      throw err;
    }));
}

/**
 * A control in a table row whose elements are reused for whichever user comes to sit in its
 * place (users-table.tsx): whether the loaded control (a menu) was opened for the user shown
 * now. Opened for one user, it is not shown for the next user in that place.
 */
export function useOpenedFor(id: string): [opened: boolean, open: () => void] {
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  if (openedFor !== null && openedFor !== id) setOpenedFor(null);
  return [openedFor === id, () => setOpenedFor(id)];
}
