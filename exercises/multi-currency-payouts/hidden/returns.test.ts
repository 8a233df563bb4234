import { bug, explore, expectSame, expectThat } from 'bugbash/harness';
import type { Payout } from '@impl/types';
import { ACCOUNT, account, paidPayout, world, type World } from './world';

/** Every ordering of a scenario is explored, arrivals included. The timeout only bounds a busy machine. */
const EXPLORE_TIMEOUT = { timeout: 20_000 };

/** Delivers the notices at the same time on the two workers; a notice refused with account_busy is sent again afterwards, as the bank does. */
async function deliver(w: World, notices: string[]): Promise<string[]> {
  const results = await w.env.outcomes(notices.map((id, i) => w.env.run(`return notice ${i + 1} (${id})`, () => w.worker(i).handleReturn(id, 'account_closed'))));
  const outcomes: string[] = [];
  for (const [i, result] of results.entries()) {
    if (result.status === 'fulfilled') {
      outcomes.push((result.value as Payout).status);
      continue;
    }
    const code = (result.reason as { code?: string })?.code;
    if (code !== 'account_busy') {
      outcomes.push(`rejected ${code ?? String(result.reason)}`);
      continue;
    }
    const [again] = await w.env.outcomes([w.env.run(`return notice ${i + 1} again`, () => w.worker(i).handleReturn(notices[i]!, 'account_closed'))]);
    outcomes.push(again!.status === 'fulfilled' ? (again!.value as Payout).status : `rejected ${(again!.reason as { code?: string })?.code}`);
  }
  return outcomes;
}

bug('return-wrong-lock', 'return notices of two payouts of one account at the same time are both credited', async () => {
  await explore({}, async (env) => {
    const w = world(env, { accounts: [account({ available: 1_000 })], payouts: [paidPayout('po_a', 2_000), paidPayout('po_b', 3_000)] });
    w.bank.returnTransfer('po_a');
    w.bank.returnTransfer('po_b');
    const outcomes = await deliver(w, ['po_a', 'po_b']);
    expectSame(
      { outcomes, available: w.account().available, reserved: w.account().reserved },
      { outcomes: ['returned', 'returned'], available: 6_000, reserved: 0 },
      'two payouts of 20.00 and 30.00 usd returned at the same time, on two workers, were not both credited back to a balance of 10.00 usd',
    );
  });
}, EXPLORE_TIMEOUT);

bug('return-redelivery-race', 'the same return notice delivered twice at the same time credits the payout back once', async () => {
  await explore({}, async (env) => {
    const w = world(env, { accounts: [account({ available: 1_000 })], payouts: [paidPayout('po_a', 2_000)] });
    w.bank.returnTransfer('po_a');
    const outcomes = await deliver(w, ['po_a', 'po_a']);
    expectSame(
      { outcomes, available: w.account().available, onFile: w.payouts.peek('po_a')?.status },
      { outcomes: ['returned', 'returned'], available: 3_000, onFile: 'returned' },
      'a return notice of a 20.00 usd payout, delivered twice at the same time on two workers, was not credited back exactly once',
    );
    expectThat(w.payouts.peek('po_a')?.failureCode === 'account_closed', 'the returned payout does not record why it was returned', { actual: w.payouts.peek('po_a') });
  });
}, EXPLORE_TIMEOUT);
