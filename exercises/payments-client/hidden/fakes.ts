/**
 * A fake payments API behind the client's transport interface, with the semantics of the real
 * one where the client depends on them: idempotency keys (a replay answers the saved status and
 * body, other parameters are refused, a key still running answers 409), exclusive cursors and
 * page sizes of 1 to 100, refunds that never exceed the charge. Requests can be made to fail
 * like a real network fails them: refused before they reach the API, or carried out and the
 * response lost. Kept free of `@impl` imports so that a unit test can exercise it directly.
 */
import { FakeClock, markWorld, type Env } from 'bugbash/harness';

export interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeout: number;
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One planned fault of the requests matching `method` and `path` (a path prefix). */
export interface ApiFault {
  method?: Request['method'];
  path?: string;
  /**
   * `refused`: the request never reaches the API (connection refused).
   * `lost-response`: the API carries it out, then the connection drops (the client sees a timeout).
   * `still-running`: the API starts it; the response is lost and, while it runs, `busy` further
   * requests with its key get 409 `idempotency_key_in_use`; then it completes.
   * `answer`: the API answers `status` (with `headers` and error `code`) without doing anything.
   */
  kind: 'refused' | 'lost-response' | 'still-running' | 'answer';
  status?: number;
  code?: string;
  headers?: Record<string, string>;
  busy?: number;
  times?: number;
}

export interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  params: Record<string, string>;
  headers: Record<string, string>;
  idempotencyKey: string | undefined;
  at: number;
  timeout: number;
}

interface Saved {
  fingerprint: string;
  state: 'running' | 'done';
  busy: number;
  response: Response;
}

export interface ApiObject {
  id: string;
  object: string;
  created: number;
  [field: string]: unknown;
}

export const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);
export const DECLINED_SOURCE = 'tok_chargeDeclined';

class ConnectionDropped extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return { status, headers: { 'Content-Type': 'application/json', 'Request-Id': 'req_fake', ...headers }, body: JSON.stringify(body) };
}

function apiError(status: number, type: string, code: string | undefined, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { type, code, message } }, headers);
}

export class FakeApi {
  readonly clock = new FakeClock(T0);
  readonly received: Received[] = [];
  /** Objects by collection, newest first. */
  readonly objects: Record<'charges' | 'refunds' | 'customers', ApiObject[]> = { charges: [], refunds: [], customers: [] };
  private readonly saved = new Map<string, Saved>();
  private readonly faults: (ApiFault & { left: number })[] = [];
  private counter = 0;

  constructor(private readonly env: Env) {
    markWorld(this);
    markWorld(this.clock);
  }

  inject(fault: ApiFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /**
   * Puts `count` more objects on file in a collection, numbered on from those already there
   * (1 is the oldest); returns the ids of the collection, newest first.
   */
  seed(collection: 'charges' | 'refunds' | 'customers', count: number, extra: Record<string, unknown> = {}): string[] {
    const prefix = { charges: 'ch_', refunds: 're_', customers: 'cus_' }[collection];
    const existing = this.objects[collection].length;
    for (let n = existing + 1; n <= existing + count; n++) {
      this.objects[collection].unshift({ id: `${prefix}${String(n).padStart(4, '0')}`, object: collection.slice(0, -1), created: Math.floor(T0 / 1000) - 10_000 + n, metadata: {}, ...extra });
    }
    return this.objects[collection].map((o) => o.id);
  }

  request(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const fault = this.takeFault(request.method, url.pathname);
    const label = `${request.method} ${url.pathname}${url.search}`;
    if (fault?.kind === 'refused') {
      return this.env.step(`${label}: connection refused`, () => {
        this.record(request, url);
        throw new ConnectionDropped('connect ECONNREFUSED', 'ECONNREFUSED');
      });
    }
    return this.env.step(label, () => {
      this.record(request, url);
      if (fault?.kind === 'answer') {
        const status = fault.status ?? 503;
        return apiError(status, status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error', fault.code, `injected ${status}`, fault.headers);
      }
      const response = this.idempotent(request, url, fault);
      if (fault?.kind === 'lost-response' || fault?.kind === 'still-running') {
        throw new ConnectionDropped(`no response within ${request.timeout} ms`, 'ETIMEDOUT');
      }
      return response;
    });
  }

  /** The Idempotency-Key of every request received for `method path`, in order. */
  keysOf(method: string, path: string): (string | undefined)[] {
    return this.received.filter((r) => r.method === method && r.path === path).map((r) => r.idempotencyKey);
  }

  private takeFault(method: string, path: string): (ApiFault & { left: number }) | undefined {
    const fault = this.faults.find((f) => f.left > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || path.startsWith(f.path)));
    if (fault) fault.left -= 1;
    return fault;
  }

  private record(request: Request, url: URL): void {
    const key = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
    this.received.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      params: Object.fromEntries(new URLSearchParams(request.body ?? '')),
      headers: { ...request.headers },
      idempotencyKey: key,
      at: this.clock.now(),
      timeout: request.timeout,
    });
  }

  private idempotent(request: Request, url: URL, fault: ApiFault | undefined): Response {
    const key = this.received[this.received.length - 1]!.idempotencyKey;
    if (request.method !== 'POST' || key === undefined) return this.handle(request, url);
    const fingerprint = `${request.method} ${url.pathname} ${request.body ?? ''}`;
    const saved = this.saved.get(key);
    if (saved) {
      if (saved.fingerprint !== fingerprint) {
        return apiError(400, 'idempotency_error', undefined, 'Keys for idempotent requests can only be used with the same parameters they were first used with.');
      }
      if (saved.state === 'running') {
        saved.busy -= 1;
        if (saved.busy <= 0) saved.state = 'done';
        return apiError(409, 'invalid_request_error', 'idempotency_key_in_use', 'There is currently another in-progress request using this Idempotent Key.');
      }
      return { ...saved.response, headers: { ...saved.response.headers, 'Idempotent-Replayed': 'true' } };
    }
    const response = this.handle(request, url);
    // Validation failures before execution are not saved: a retry may succeed.
    if (response.status !== 400) {
      const running = fault?.kind === 'still-running';
      this.saved.set(key, { fingerprint, state: running ? 'running' : 'done', busy: fault?.busy ?? 1, response });
    }
    return response;
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}fake${String(this.counter).padStart(4, '0')}`;
  }

  private handle(request: Request, url: URL): Response {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const params = Object.fromEntries(new URLSearchParams(request.body ?? ''));
    const [version, collection, id, action] = parts as [string, string, string | undefined, string | undefined];
    if (version !== 'v1' || !['charges', 'refunds', 'customers'].includes(collection)) {
      return apiError(404, 'invalid_request_error', 'resource_missing', `Unrecognized request URL (${request.method}: ${url.pathname})`);
    }
    const list = this.objects[collection as 'charges' | 'refunds' | 'customers'];
    if (id === undefined) {
      if (request.method === 'GET') return this.page(list, url);
      if (request.method === 'POST') return this.create(collection, params);
      return apiError(404, 'invalid_request_error', 'resource_missing', 'Unrecognized request URL');
    }
    const found = list.find((o) => o.id === id);
    if (!found) return apiError(404, 'invalid_request_error', 'resource_missing', `No such ${collection.slice(0, -1)}: '${id}'`, {});
    if (request.method === 'GET' && action === undefined) return json(200, found);
    if (request.method === 'DELETE' && collection === 'customers' && action === undefined) {
      list.splice(list.indexOf(found), 1);
      return json(200, { id, object: 'customer', deleted: true });
    }
    if (request.method === 'POST' && action === undefined) {
      for (const [name, value] of Object.entries(params)) {
        const meta = /^metadata\[(.+)\]$/.exec(name);
        if (meta) (found.metadata as Record<string, string>)[meta[1]!] = value;
        else found[name] = value === '' ? null : value;
      }
      return json(200, found);
    }
    if (request.method === 'POST' && collection === 'charges' && action === 'capture') {
      if (found.captured) return apiError(400, 'invalid_request_error', 'charge_already_captured', 'Charge has already been captured.');
      const amount = params.amount === undefined ? (found.amount as number) : Number(params.amount);
      if (amount > (found.amount as number)) return apiError(400, 'invalid_request_error', 'amount_too_large', 'Capture amount exceeds the authorized amount.');
      Object.assign(found, { captured: true, amount_captured: amount });
      return json(200, found);
    }
    if (request.method === 'POST' && collection === 'refunds' && action === 'cancel') {
      found.status = 'canceled';
      return json(200, found);
    }
    return apiError(404, 'invalid_request_error', 'resource_missing', 'Unrecognized request URL');
  }

  private create(collection: string, params: Record<string, string>): Response {
    const created = Math.floor(this.clock.now() / 1000);
    const metadata = Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v]));
    if (collection === 'charges') {
      if (params.amount === undefined || params.currency === undefined) return apiError(400, 'invalid_request_error', 'parameter_missing', 'Missing required param: amount.');
      if (params.source === DECLINED_SOURCE) {
        return apiError(402, 'card_error', 'card_declined', 'Your card was declined.');
      }
      const charge: ApiObject = {
        id: this.nextId('ch_'), object: 'charge', amount: Number(params.amount), amount_captured: params.capture === 'false' ? 0 : Number(params.amount),
        amount_refunded: 0, currency: params.currency, captured: params.capture !== 'false', refunded: false, paid: true, status: 'succeeded',
        customer: params.customer ?? null, description: params.description ?? null, statement_descriptor: params.statement_descriptor ?? null,
        failure_code: null, metadata, created,
      };
      this.objects.charges.unshift(charge);
      return json(200, charge);
    }
    if (collection === 'refunds') {
      const charge = this.objects.charges.find((c) => c.id === params.charge);
      if (!charge) return apiError(400, 'invalid_request_error', 'resource_missing', `No such charge: '${params.charge}'`);
      const left = (charge.amount as number) - (charge.amount_refunded as number);
      if (left === 0) return apiError(400, 'invalid_request_error', 'charge_already_refunded', 'Charge has already been refunded.');
      const amount = params.amount === undefined ? left : Number(params.amount);
      if (amount > left) return apiError(400, 'invalid_request_error', 'amount_too_large', `Refund amount is greater than unrefunded amount on charge (${left})`);
      charge.amount_refunded = (charge.amount_refunded as number) + amount;
      charge.refunded = charge.amount_refunded === charge.amount;
      const refund: ApiObject = { id: this.nextId('re_'), object: 'refund', amount, charge: charge.id, currency: charge.currency, reason: params.reason ?? null, status: 'succeeded', metadata, created };
      this.objects.refunds.unshift(refund);
      return json(200, refund);
    }
    const customer: ApiObject = {
      id: this.nextId('cus_'), object: 'customer', email: params.email ?? null, name: params.name ?? null, phone: params.phone ?? null,
      description: params.description ?? null, address: null, metadata, created,
    };
    this.objects.customers.unshift(customer);
    return json(200, customer);
  }

  private page(list: ApiObject[], url: URL): Response {
    const query = url.searchParams;
    const limit = query.has('limit') ? Number(query.get('limit')) : 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return apiError(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid integer: limit must be between 1 and 100.');
    }
    let items = list;
    for (const [name, value] of query) {
      if (['customer', 'charge', 'email'].includes(name)) items = items.filter((o) => o[name] === value);
    }
    const after = query.get('starting_after');
    const before = query.get('ending_before');
    if (after !== null && before !== null) return apiError(400, 'invalid_request_error', 'parameter_invalid', 'starting_after and ending_before cannot both be set.');
    let data: ApiObject[];
    let hasMore: boolean;
    if (before !== null) {
      const end = items.findIndex((o) => o.id === before);
      if (end < 0) return apiError(400, 'invalid_request_error', 'resource_missing', `No such object: '${before}'`);
      data = items.slice(Math.max(0, end - limit), end);
      hasMore = end - limit > 0;
    } else {
      const start = after === null ? 0 : items.findIndex((o) => o.id === after) + 1;
      if (after !== null && start === 0) return apiError(400, 'invalid_request_error', 'resource_missing', `No such object: '${after}'`);
      data = items.slice(start, start + limit);
      hasMore = start + limit < items.length;
    }
    return json(200, { object: 'list', url: url.pathname, has_more: hasMore, data });
  }
}
