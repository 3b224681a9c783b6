import { jsonError } from "@/lib/http/errors";

// Any /api path no route claims: a JSON 404 in the contract's error shape, for every method.
function notFound(req: Request) {
  return jsonError("not_found", `No API endpoint at ${req.method} ${new URL(req.url).pathname}.`);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
