import { headers } from "next/headers";
import { requirePageUser } from "@/lib/auth/session";
import { AppShell } from "../_components/app-shell";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const returnTo = (await headers()).get("x-switchback-path") ?? "/dashboard";
  const user = await requirePageUser(returnTo);
  return <AppShell user={user}>{children}</AppShell>;
}
