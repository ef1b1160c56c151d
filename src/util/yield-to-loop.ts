/** Lets timers and I/O run before the next piece of a long loop (acks, replies, health checks). */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
