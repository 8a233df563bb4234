/**
 * Model-based comparisons: random sequences of requests (and waits) sent to your layer and to
 * the reference, each over its own store, clock and payments API.
 */
import { fc, type Env } from 'bugbash/harness';
import { ALICE, BOB, CHARGES, DECLINED, FLAKY, HOUR, MINUTE, PAYMENT_INTENTS, buildWorld, charge, view, type World } from './world';

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
export const invalidParams = fc.constantFrom<Record<string, unknown>>(
  { amount: 10, currency: 'usd', customer: ALICE },
  { amount: 2000, currency: 'usd', customer: 'alice' },
  { amount: 2000, currency: 'xyz', customer: ALICE },
);
export const failingParams = fc.constant<Record<string, unknown>>({ amount: 3000, currency: 'usd', customer: FLAKY });

export function sends(params: fc.Arbitrary<Record<string, unknown>>, endpoints: string[] = [CHARGES]): fc.Arbitrary<Command> {
  return fc.record({ account: accounts, endpoint: fc.constantFrom(...endpoints), key: keys, params }).map((c): Command => ({ kind: 'send', ...c }));
}

export function comparison(symptom: string, commands: fc.Arbitrary<Command>, seed: number) {
  return {
    symptom,
    seed,
    runs: 40,
    commands: fc.array(commands, { minLength: 1, maxLength: 8 }),
    create: (side: 'reference' | 'yours', env: Env) => buildWorld(env, side),
    apply: async (world: World, command: Command) => {
      if (command.kind === 'wait') {
        world.clock.advance(command.ms);
        return undefined;
      }
      return view(await world.layer.handle(charge(command.key, command.params, { accountId: command.account, endpoint: command.endpoint })));
    },
    state: (world: World) => ({ cardCharges: world.api.charges }),
    describe: (command: Command) =>
      command.kind === 'wait'
        ? `wait ${command.ms >= HOUR ? `${command.ms / HOUR} h` : `${command.ms / MINUTE} min`}`
        : `${command.account}: ${command.endpoint} ${JSON.stringify(command.params)} with ${command.key === undefined ? 'no key' : `key "${command.key}"`}`,
  };
}

