"use client";

import { LogOut, Menu, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import type { SessionUser } from "@/lib/auth/session-user";
import { Brand } from "./brand";
import { NAV } from "./nav-items";
import { Badge } from "./ui/badge";
import { cn } from "./ui/cn";

function SideNav({ user, onNavigate }: { user: SessionUser; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-6">
      {NAV.filter((g) => !g.adminOnly || user.role === "admin").map((group) => (
        <div key={group.label}>
          <p className="mb-1.5 px-3 text-[11px] font-semibold uppercase tracking-wider text-ink-muted/70">{group.label}</p>
          <ul className="space-y-0.5">
            {group.items.map(({ href, label, icon: Icon }) => {
              const active = pathname === href || pathname.startsWith(`${href}/`);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    onClick={onNavigate}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-3 rounded-md px-3 py-2 text-sm transition-colors",
                      active ? "bg-accent/15 text-ink" : "text-ink-muted hover:bg-panel-raised hover:text-ink",
                    )}
                  >
                    <Icon className={cn("size-4", active && "text-accent")} aria-hidden />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function UserBlock({ user }: { user: SessionUser }) {
  return (
    <div className="flex items-center gap-3 border-t border-line pt-4">
      <div className="grid size-8 shrink-0 place-items-center rounded-full bg-panel-raised text-xs font-semibold uppercase">
        {user.name.slice(0, 2)}
      </div>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" data-testid="current-user">
          {user.name}
        </p>
        <p className="truncate text-xs text-ink-muted">{user.email}</p>
      </div>
      {user.role === "admin" ? <Badge tone="accent">Admin</Badge> : null}
      <Link href="/signout" className="rounded-md p-2 text-ink-muted hover:bg-panel-raised hover:text-ink" aria-label="Sign out" title="Sign out">
        <LogOut className="size-4" aria-hidden />
      </Link>
    </div>
  );
}

/** The signed-in frame: a sidebar on wide screens, a drawer behind a menu button on phones. */
export function AppShell({ user, headerSlot, children }: { user: SessionUser; headerSlot?: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);

  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_1fr]">
      <aside className="hidden border-r border-line bg-panel/60 lg:flex lg:flex-col lg:justify-between lg:gap-6 lg:p-4">
        <div className="space-y-6">
          <Link href="/dashboard" className="block px-2">
            <Brand />
          </Link>
          <SideNav user={user} />
        </div>
        <UserBlock user={user} />
      </aside>

      {open ? (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <button className="absolute inset-0 bg-black/60" aria-label="Close navigation" onClick={() => setOpen(false)} />
          <div className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col justify-between gap-6 border-r border-line bg-panel p-4">
            <div className="space-y-6">
              <div className="flex items-center justify-between px-2">
                <Brand />
                <button className="rounded-md p-2 text-ink-muted hover:bg-panel-raised" onClick={() => setOpen(false)} aria-label="Close navigation">
                  <X className="size-5" aria-hidden />
                </button>
              </div>
              <SideNav user={user} onNavigate={() => setOpen(false)} />
            </div>
            <UserBlock user={user} />
          </div>
        </div>
      ) : null}

      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-3 border-b border-line bg-canvas/85 px-4 backdrop-blur sm:px-6">
          <div className="flex items-center gap-2 lg:hidden">
            <button className="rounded-md p-2 text-ink-muted hover:bg-panel-raised" onClick={() => setOpen(true)} aria-label="Open navigation">
              <Menu className="size-5" aria-hidden />
            </button>
            <Brand compact />
          </div>
          <div className="ml-auto flex items-center gap-2">{headerSlot}</div>
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">{children}</main>
      </div>
    </div>
  );
}
