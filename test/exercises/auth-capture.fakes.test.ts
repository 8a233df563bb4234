import { describe, expect, it } from 'vitest';
import { Env, explore } from 'bugbash/harness';
import { explorations } from '../../src/harness/tests.js';
import { CardNetworkRefusal, DECLINED, DECLINED_INSUFFICIENT_FUNDS, FakeCardNetwork, SequentialIds, stillHeld, VISA, type Hold } from '../../exercises/auth-capture/hidden/fakes.js';

function seededHold(amount = 1000): Hold {
  return { authorization_id: 'auth_x', payment_method: VISA, amount, currency: 'usd', reference: 'pi_x', captures: [], captured_at: [], released: false };
}

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(CardNetworkRefusal);
    return (error as CardNetworkRefusal).code;
  }
  return 'accepted';
}

describe('auth-capture FakeCardNetwork', () => {
  it('approves the good test cards with a new hold for the intent, and declines the declined ones without one', async () => {
    const network = new FakeCardNetwork(new Env());
    expect(await network.authorize({ amount: 1000, currency: 'usd', payment_method: VISA, reference: 'pi_1' })).toEqual({ outcome: 'approved', authorization_id: 'auth_1' });
    expect(await network.authorize({ amount: 1000, currency: 'usd', payment_method: DECLINED, reference: 'pi_2' })).toEqual({ outcome: 'declined', decline_code: 'generic_decline' });
    expect(await network.authorize({ amount: 1000, currency: 'usd', payment_method: DECLINED_INSUFFICIENT_FUNDS, reference: 'pi_2' })).toEqual({ outcome: 'declined', decline_code: 'insufficient_funds' });
    expect(network.holdsFor('pi_1').map((h) => h.authorization_id)).toEqual(['auth_1']);
    expect(network.holdsFor('pi_2')).toEqual([]);
    expect(network.summary()).toEqual({ auth_1: { amount: 1000, captured: [], still_held: 1000 } });
  });

  it('a partial capture keeps the rest held until it is released', async () => {
    const network = new FakeCardNetwork(new Env(), () => 42, [seededHold()]);
    await network.capture('auth_x', 600);
    expect(network.summary().auth_x).toEqual({ amount: 1000, captured: [600], still_held: 400 });
    expect(network.holds.get('auth_x')?.captured_at).toEqual([42]);
    await network.release('auth_x');
    expect(network.summary().auth_x).toEqual({ amount: 1000, captured: [600], still_held: 0 });
    expect(network.refusals).toEqual([]);
  });

  it('refuses a second capture of one hold, and moves no money for it', async () => {
    const network = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    await network.capture('auth_x', 300);
    expect(await refusal(network.capture('auth_x', 300))).toBe('authorization_already_captured');
    expect(network.totalCaptured()).toBe(300);
    expect(network.refusals.map((r) => r.reason)).toEqual(['authorization_already_captured']);
  });

  it('refuses a capture after a release (a void): the order of the two matters', async () => {
    const releasedFirst = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    await releasedFirst.release('auth_x');
    expect(await refusal(releasedFirst.capture('auth_x', 1000))).toBe('authorization_released');
    expect(releasedFirst.summary().auth_x).toEqual({ amount: 1000, captured: [], still_held: 0 });

    const capturedFirst = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    await capturedFirst.capture('auth_x', 400);
    await capturedFirst.release('auth_x');
    expect(capturedFirst.summary().auth_x).toEqual({ amount: 1000, captured: [400], still_held: 0 });
    expect(capturedFirst.refusals).toEqual([]);
  });

  it('refuses a capture larger than the hold or not a positive whole number of cents', async () => {
    const network = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    expect(await refusal(network.capture('auth_x', 1001))).toBe('capture_exceeds_hold');
    expect(await refusal(network.capture('auth_x', 0))).toBe('capture_amount_invalid');
    expect(await refusal(network.capture('auth_x', 12.5))).toBe('capture_amount_invalid');
    expect(await refusal(network.capture('auth_nope', 10))).toBe('no_such_authorization');
    expect(await refusal(network.capture('auth_x', 1000))).toBe('accepted');
    expect(network.totalCaptured()).toBe(1000);
  });

  it('refuses to release a hold twice, or one that was fully captured', async () => {
    const voided = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    await voided.release('auth_x');
    expect(await refusal(voided.release('auth_x'))).toBe('authorization_already_released');

    const full = new FakeCardNetwork(new Env(), undefined, [seededHold()]);
    await full.capture('auth_x', 1000);
    expect(await refusal(full.release('auth_x'))).toBe('nothing_left_to_release');
    expect(full.summary().auth_x).toEqual({ amount: 1000, captured: [1000], still_held: 0 });
  });

  it('stillHeld: the uncaptured part until a release, nothing after it', () => {
    expect(stillHeld(seededHold())).toBe(1000);
    expect(stillHeld({ ...seededHold(), captures: [250] })).toBe(750);
    expect(stillHeld({ ...seededHold(), captures: [250], released: true })).toBe(0);
    expect(stillHeld({ ...seededHold(), released: true })).toBe(0);
  });

  it('copies seeded holds: a test world never shares a hold with another', async () => {
    const hold = seededHold();
    const network = new FakeCardNetwork(new Env(), undefined, [hold]);
    await network.capture('auth_x', 10);
    expect(hold.captures).toEqual([]);
  });

  it('declares what each call touches: calls on different holds are independent, on one hold they are not', async () => {
    await explore({}, async (env) => {
      // Nothing of an implementation here: an empty tracked subject keeps the explorer from assuming memory writes.
      env.track({});
      const network = new FakeCardNetwork(env, undefined, [seededHold(), { ...seededHold(), authorization_id: 'auth_y' }]);
      await env.outcomes([env.run('a', () => network.capture('auth_x', 5), { arrival: 'now' }), env.run('b', () => network.capture('auth_y', 5), { arrival: 'now' })]);
    });
    expect(explorations().at(-1)).toMatchObject({ mode: 'exhaustive', orderings: 1 });

    const seen = new Set<string>();
    await explore({}, async (env) => {
      env.track({});
      const network = new FakeCardNetwork(env, undefined, [seededHold()]);
      const [capture] = await env.outcomes([env.run('capture', () => network.capture('auth_x', 5), { arrival: 'now' }), env.run('release', () => network.release('auth_x'), { arrival: 'now' })]);
      seen.add(capture!.status);
    });
    expect([...seen].sort()).toEqual(['fulfilled', 'rejected']);
  });
});

describe('auth-capture SequentialIds', () => {
  it('numbers ids per generator, in call order', () => {
    const ids = new SequentialIds();
    expect([ids.next('pi'), ids.next('pi')]).toEqual(['pi_0001', 'pi_0002']);
    expect(new SequentialIds().next('pi')).toBe('pi_0001');
  });
});
