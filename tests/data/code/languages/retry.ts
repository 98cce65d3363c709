import { setTimeout as sleep } from "node:timers/promises";

export interface RetryOptions {
  attempts: number;
  delayMs: number;
}

export type Task<T> = () => Promise<T>;

/** Runs a task until it succeeds or the attempts run out. */
export async function retry<T>(task: Task<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await task();
    } catch (error) {
      lastError = error;
      await sleep(options.delayMs * attempt);
    }
  }
  throw lastError;
}

export class Backoff {
  constructor(private readonly base: number) {}

  next(attempt: number): number {
    const jitter = Math.random() * this.base;
    return this.base * 2 ** attempt + jitter;
  }
}
