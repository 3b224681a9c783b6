import {
  Bell,
  CandlestickChart,
  Cpu,
  FlaskConical,
  Gauge,
  LayoutDashboard,
  type LucideIcon,
  Radio,
  ScrollText,
  Settings,
  ShieldCheck,
  Users,
  Zap,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
}

export interface NavGroup {
  label: string;
  adminOnly?: boolean;
  items: NavItem[];
}

export const NAV: NavGroup[] = [
  {
    label: "Live",
    items: [
      { href: "/dashboard", label: "Dashboard", icon: LayoutDashboard },
      { href: "/monitoring", label: "Monitoring", icon: Cpu },
      { href: "/strategies", label: "Strategies", icon: Gauge },
      { href: "/signals", label: "Signals", icon: Zap },
      { href: "/markets", label: "Markets", icon: CandlestickChart },
      { href: "/backtests", label: "Backtests", icon: FlaskConical },
      { href: "/notifications", label: "Notifications", icon: Bell },
    ],
  },
  { label: "You", items: [{ href: "/settings/realtime", label: "Settings", icon: Settings }] },
  {
    label: "Admin",
    adminOnly: true,
    items: [
      { href: "/admin/users", label: "Users", icon: Users },
      { href: "/admin/realtime", label: "Realtime", icon: Radio },
      { href: "/admin/audit", label: "Audit log", icon: ScrollText },
    ],
  },
];

export const ADMIN_ICON = ShieldCheck;
