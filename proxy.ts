import { NextResponse, type NextRequest } from "next/server";

/**
 * Passes the requested path to server components as a header, so the app layout can send a
 * signed-out visitor to the sign-in page with a return URL to where they were going.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-switchback-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico|signin|signout).*)"],
};
