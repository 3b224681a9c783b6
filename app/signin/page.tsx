import type { Metadata } from "next";
import { AuthCard } from "../_components/auth-card";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths are followed after sign-in, never another origin. */
function safeReturnPath(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return "/dashboard";
  try {
    const url = new URL(v, "http://same.invalid");
    return url.origin === "http://same.invalid" ? `${url.pathname}${url.search}` : "/dashboard";
  } catch {
    return "/dashboard";
  }
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return (
    <AuthCard title="Sign in" subtitle="Live trading and operations dashboards.">
      <SignInForm callbackUrl={safeReturnPath(params.callbackUrl)} />
    </AuthCard>
  );
}
