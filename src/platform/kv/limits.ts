// One way from a spent rate limiter to the RATE_LIMITED error clients see, for services and the directive alike.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited, type AppError } from '../errors';

/** RATE_LIMITED, with when to try again, for a limiter's answer that no points are left. */
export const limitReached = (response: { msBeforeNext: number }): AppError => rateLimited(Math.max(1, Math.ceil(response.msBeforeNext / 1000)));

/** Counts one attempt against a limiter; over the limit is RATE_LIMITED. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    // rate-limiter-flexible rejects with its answer (not an Error) when no points are left.
    if (error instanceof Error) throw error;
    throw limitReached(error as { msBeforeNext: number });
  }
}
