import Link from "next/link";
import { AuthCard } from "./_components/auth-card";

export default function Forbidden() {
  return (
    <AuthCard title="You don't have access to this page" subtitle="It is for administrators. Ask one if you need it.">
      <Link href="/dashboard" className="inline-flex h-10 w-full items-center justify-center rounded-md bg-accent text-sm font-medium text-white hover:bg-accent-strong">
        Back to the dashboard
      </Link>
    </AuthCard>
  );
}
