import { TableLoading } from "@/components/ui/table-loading";

export default function AuditLoading() {
  return <TableLoading title="Audit log" status="Loading audit events…" />;
}
