import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { PageHeader } from "../../_components/ui/page-header";
import { StrategiesView } from "./strategies-view";

export const metadata: Metadata = { title: "Strategies" };

export default async function Page() {
  const user = await requirePageUser("/strategies");
  return (
    <>
      <PageHeader
        title="Strategies"
        description={
          user.role === "admin"
            ? "Strategies trading the simulated market: state, position and P&L, live. You can start, pause and stop them."
            : "Strategies trading the simulated market: state, position and P&L, live."
        }
      />
      <StrategiesView isAdmin={user.role === "admin"} />
    </>
  );
}
