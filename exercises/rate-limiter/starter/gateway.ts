import type { TokenBucketLimiter } from './limiter';
import type { GatewayRequest, GatewayResponse, Handler, TakeResult } from './types';

/** Routes that cost more than one token: search fans out across every shard. */
export const ROUTE_COSTS: Readonly<Record<string, number>> = {
  'GET /v1/charges/search': 5,
  'GET /v1/customers/search': 5,
  'GET /v1/payment_intents/search': 5,
};

/** Live and test keys are limited separately: a load test in test mode must not throttle live payments. */
export interface ModeLimiters {
  live: TokenBucketLimiter;
  test: TokenBucketLimiter;
}

export interface GateOptions {
  routeCosts?: Readonly<Record<string, number>>;
  /** Called when the limiter fails and the gate lets the request through anyway. */
  onLimiterError?: (error: unknown) => void;
}

/**
 * Edge middleware in front of the payments API. It does not authenticate (the API behind it
 * does); it identifies the caller by the API key it presents and spends that key's tokens.
 */
export class RateLimitGate {
  private readonly routeCosts: Readonly<Record<string, number>>;
  private readonly onLimiterError: (error: unknown) => void;

  constructor(
    private readonly limiters: ModeLimiters,
    private readonly next: Handler,
    options: GateOptions = {},
  ) {
    this.routeCosts = options.routeCosts ?? ROUTE_COSTS;
    this.onLimiterError = options.onLimiterError ?? (() => {});
  }

  async handle(request: GatewayRequest): Promise<GatewayResponse> {
    const apiKey = bearerToken(request);
    if (!apiKey) {
      return errorResponse(401, 'api_key_missing', 'No API key provided. Send it as `Authorization: Bearer <key>`.');
    }
    const limiter = this.limiterFor(apiKey);
    if (!limiter) return errorResponse(401, 'api_key_invalid', 'Invalid API key provided.');
    const cost = this.routeCosts[`${request.method.toUpperCase()} ${request.path}`] ?? 1;

    let decision: TakeResult;
    try {
      decision = await limiter.take(apiKey, cost);
    } catch (error) {
      // Fail open: the limiter protects the API, it must never take it down. If the bucket
      // store is unreachable, serving unthrottled beats rejecting every payment.
      this.onLimiterError(error);
      return this.next(request);
    }

    if (!decision.allowed) {
      return errorResponse(429, 'rate_limit', 'Too many requests hit the API too quickly. Retry after the delay in Retry-After.', {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    const response = await this.next(request);
    return { ...response, headers: { ...response.headers, 'RateLimit-Remaining': String(decision.remaining) } };
  }

  /** Keys of an unknown form are turned away before they cost a store round trip. */
  private limiterFor(apiKey: string): TokenBucketLimiter | undefined {
    if (apiKey.startsWith('ak_live_')) return this.limiters.live;
    if (apiKey.startsWith('ak_test_')) return this.limiters.test;
    return undefined;
  }
}

/** The key from `Authorization: Bearer <key>`; header names are case-insensitive. */
function bearerToken(request: GatewayRequest): string | undefined {
  const name = Object.keys(request.headers).find((header) => header.toLowerCase() === 'authorization');
  const value = name === undefined ? undefined : request.headers[name];
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match ? match[1] : undefined;
}

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: { error: { code, message } } };
}
