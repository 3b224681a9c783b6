const g = globalThis as typeof globalThis & { __switchbackShutdown?: AbortController };

function controller(): AbortController {
  return (g.__switchbackShutdown ??= new AbortController());
}

/**
 * Aborted when the process begins a graceful shutdown. Long-lived responses (SSE streams,
 * WebSocket connections) listen to it and end themselves so in-flight work can drain.
 */
export function shutdownSignal(): AbortSignal {
  return controller().signal;
}

export function beginShutdown(): void {
  controller().abort();
}
