import type { Request, RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../platform/redis.js';
import { HttpError } from './errors.js';

export interface RateLimit {
  /** A name for the limit, part of the Redis key. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * A limit shared by every app instance through Redis; while Redis is down an in-memory limit
 * per instance stands in, so a Redis outage neither opens the gates nor blocks everyone.
 */
export function rateLimiter(redis: Redis, prefix: string, limit: RateLimit) {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${limit.name}`,
    points: limit.points,
    duration: limit.durationSeconds,
    insuranceLimiter: new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds }),
  });
  return async (key: string, message: string): Promise<void> => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new HttpError(429, 'rate_limited', message, { 'Retry-After': String(retryAfter) });
      }
      throw error;
    }
  };
}

/** Express middleware limiting by client IP. */
export function limitByIp(consume: ReturnType<typeof rateLimiter>, message: string): RequestHandler {
  return async (req: Request, _res, next) => {
    await consume(req.ip ?? 'unknown', message);
    next();
  };
}
