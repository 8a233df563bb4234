/**
 * Model-based comparisons: random sequences of requests (and waits) sent to your layer and to
 * the reference, each over its own store, clock and payments API.
 */
import { fc, type Env } from 'bugbash/harness';
import { ALICE, BOB, CHARGES, DECLINED, FLAKY, HOUR, MINUTE, UPSTREAM_TIMEOUT, buildWorld, charge, validationErrorOf, view, type World } from './world';

export type Command =
  | { kind: 'send'; account: string; endpoint: string; key: string | undefined; params: Record<string, unknown> }
  | { kind: 'wait'; ms: number };

const keys = fc.constantFrom<string | undefined>('order-1', 'order-2', 'order-3', undefined);
const accounts = fc.constantFrom('acct_1', 'acct_2');
export const waits = fc.constantFrom(MINUTE, 6 * HOUR, 25 * HOUR).map((ms): Command => ({ kind: 'wait', ms }));

export const validParams = fc.constantFrom<Record<string, unknown>>(
  { amount: 2000, currency: 'usd', customer: ALICE },
  { customer: ALICE, currency: 'usd', amount: 2000 },
  { amount: 2000, currency: 'eur', customer: ALICE },
  { amount: 500, currency: 'usd', customer: BOB },
  { amount: 1500, currency: 'usd', customer: DECLINED },
);
/** Requests that run to a charge: the endpoint comparisons leave declines to the other suites. */
export const chargedParams = validParams.filter((params) => params.customer !== DECLINED);
export const invalidParams = fc.constantFrom<Record<string, unknown>>(
  { amount: 10, currency: 'usd', customer: ALICE },
  { amount: 2000, currency: 'usd', customer: 'alice' },
  { amount: 2000, currency: 'xyz', customer: ALICE },
);
export const failingParams = fc.constantFrom<Record<string, unknown>>(
  { amount: 3000, currency: 'usd', customer: FLAKY },
  { amount: 3100, currency: 'usd', customer: UPSTREAM_TIMEOUT },
);

/**
 * A request that breaks two rules at once (invalid parameters, on a key first used with other
 * parameters) may be refused by either: the brief does not rank them. Both refusals read as
 * one outcome, so only what the brief fixes is compared.
 */
const EITHER_REFUSAL = { status: 400, refused: 'invalid parameters, or a key used with other parameters' };

function outcomeOf(command: Extract<Command, { kind: 'send' }>, response: unknown): unknown {
  const invalid = validationErrorOf({ accountId: command.account, endpoint: command.endpoint, params: command.params });
  if (!invalid || command.key === undefined) return response;
  const seen = response as { status: number; error?: { type?: string; code?: string } };
  const validation = seen.status === invalid.status && seen.error?.type === invalid.type && seen.error?.code === invalid.code;
  const mismatch = seen.status === 400 && seen.error?.type === 'idempotency_error';
  return validation || mismatch ? EITHER_REFUSAL : response;
}

export function sends(params: fc.Arbitrary<Record<string, unknown>>, endpoints: string[] = [CHARGES]): fc.Arbitrary<Command> {
  return fc.record({ account: accounts, endpoint: fc.constantFrom(...endpoints), key: keys, params }).map((c): Command => ({ kind: 'send', ...c }));
}

export function comparison(symptom: string, commands: fc.Arbitrary<Command>, seed: number) {
  return {
    symptom,
    seed,
    runs: 40,
    commands: fc.array(commands, { minLength: 1, maxLength: 8 }),
    create: (side: 'reference' | 'yours', env: Env) => buildWorld(env, side, { invariants: false }),
    apply: async (world: World, command: Command) => {
      if (command.kind === 'wait') {
        world.clock.advance(command.ms);
        return undefined;
      }
      return outcomeOf(command, view(await world.layer.handle(charge(command.key, command.params, { accountId: command.account, endpoint: command.endpoint }))));
    },
    state: (world: World) => ({ cardCharges: world.api.charges }),
    describe: (command: Command) =>
      command.kind === 'wait'
        ? `wait ${command.ms >= HOUR ? `${command.ms / HOUR} h` : `${command.ms / MINUTE} min`}`
        : `${command.account}: ${command.endpoint} ${JSON.stringify(command.params)} with ${command.key === undefined ? 'no key' : `key "${command.key}"`}`,
  };
}

