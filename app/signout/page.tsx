import type { Metadata } from "next";
import { AuthCard } from "../_components/auth-card";
import { SignOutButton } from "./signout-button";

export const metadata: Metadata = { title: "Sign out" };

export default function SignOutPage() {
  return (
    <AuthCard title="Sign out" subtitle="Your dashboards stop updating on this device until you sign in again.">
      <SignOutButton />
    </AuthCard>
  );
}
