import { TableLoading } from "@/components/ui/table-loading";

export default function UsersLoading() {
  return <TableLoading title="Users" status="Loading users…" />;
}
