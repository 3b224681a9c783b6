import type { AdminUserView } from "@/lib/admin/user-links";

/** A user as GET /api/v1/admin/users sends it (dates as ISO strings). */
export type AdminUser = Omit<AdminUserView, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };

export interface UsersPage {
  users: AdminUser[];
  page: number;
  pageSize: number;
  total: number;
}

export const USERS_KEY = ["admin", "users"] as const;
export const AUDIT_KEY = ["admin", "audit"] as const;

export const PAGE_SIZE = 20;
