"use client";

import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";

export interface Datum {
  label: string;
  value: number;
}

/**
 * A small bar chart (recharts). It is a picture of the table beside it: one image with the
 * figures in its name for screen readers, nothing focusable inside.
 */
export function SmallBarChart({ data, title }: { data: Datum[]; title: string }) {
  const summary = `${title}: ${data.map((d) => `${d.label} ${d.value.toLocaleString("en-US")}`).join(", ")}`;
  return (
    <div role="img" aria-label={summary} className="text-neutral-600 dark:text-neutral-400">
      <BarChart width={300} height={160} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
        <XAxis dataKey="label" tick={{ fill: "currentColor", fontSize: 12 }} tickLine={false} axisLine={false} interval={0} />
        <YAxis allowDecimals={false} tick={{ fill: "currentColor", fontSize: 12 }} tickLine={false} axisLine={false} width={48} />
        <Bar dataKey="value" fill="#2563eb" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
