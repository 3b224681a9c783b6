import Link from "next/link";
import { AuthCard } from "./_components/auth-card";

export default function NotFound() {
  return (
    <AuthCard title="Page not found" subtitle="The address may be mistyped, or the page has moved.">
      <Link href="/dashboard" className="inline-flex h-10 w-full items-center justify-center rounded-md bg-accent text-sm font-medium text-white hover:bg-accent-strong">
        Go to the dashboard
      </Link>
    </AuthCard>
  );
}
