import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Writes a complete exercise that passes `author validate` as generated: a small refund
 * ledger with one marked bug, its reference, and a hidden suite using the harness.
 * The teaching comments live in NOTES.md, the reference and the hidden suite: the
 * starter is served to learners and must read like production code.
 */
export function scaffoldExercise(setRoot: string, id: string): string[] {
  if (!ID.test(id)) throw new UsageError(`"${id}" is not a valid exercise id: use kebab-case, e.g. "refund-ledger"`);
  const dir = path.join(setRoot, 'exercises', id);
  const solution = path.join(setRoot, 'solutions', id);
  if (existsSync(dir) || existsSync(solution)) throw new UsageError(`${dir} or ${solution} already exists; pick another id or remove it`);
  const files: [string, string][] = [
    [path.join(dir, 'exercise.json'), manifest(id)],
    [path.join(dir, 'brief.md'), BRIEF],
    [path.join(dir, 'NOTES.md'), NOTES],
    [path.join(dir, 'starter', 'refunds.ts'), STARTER],
    [path.join(solution, 'refunds.ts'), REFERENCE],
    [path.join(dir, 'hidden', 'refunds.test.ts'), HIDDEN],
  ];
  for (const [file, text] of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return files.map(([file]) => file);
}

const manifest = (id: string) =>
  `${JSON.stringify(
    {
      id,
      title: 'Refund ledger',
      difficulty: 'easy',
      order: 100,
      summary: 'Partial refunds against captured charges, kept in an async store.',
      files: ['refunds.ts'],
      timeLimitMinutes: 20,
      bugs: [
        {
          id: 'refund-exceeds-charge',
          title: 'Partial refunds can add up to more than the charge',
          category: 'money',
          hints: ['Refunds are partial and there can be many of them.', 'What is each new refund compared against?', 'Compare the new refund with what is left to refund, not with the charged amount.'],
          explanation:
            'Each refund was compared with the charged amount instead of the amount not yet refunded, so two refunds of 60 on a charge of 100 both succeeded and 120 left the merchant. Card networks reject over-refunds, but a ledger that records them shows money that does not exist. The reference compares with amount - amountRefunded.',
        },
      ],
    },
    null,
    2,
  )}\n`;

const BRIEF = `# Refund ledger

\`RefundLedger\` records partial refunds against charges stored in an async store.

- \`refund(chargeId, amount)\` refunds \`amount\` minor units of a charge and returns the updated charge.
- Amounts are positive integers (minor units).
- A charge can be refunded many times; the refunds together never exceed the charged amount
  (\`amount_too_large\`). An unknown charge fails with \`charge_not_found\`.
`;

const NOTES = `# How this exercise is put together (not served to learners)

- \`exercise.json\` declares the served files and each bug: id, title, category, hints (vague → specific), explanation.
- \`starter/refunds.ts\` is the buggy code. The line \`// @bug refund-exceeds-charge\` sits directly above the
  change that makes the bug; \`bugbash\` strips marker lines when it serves the file.
- \`../../solutions/<id>/refunds.ts\` is the fixed reference: every other line is identical to the starter.
- \`hidden/*.test.ts\` are the hidden suites: \`bug(id, name, fn)\` for tests of one bug, \`guard(name, fn)\` for behaviour
  the starter already gets right. They import the code under test from \`@impl/refunds\`.
- Run \`bugbash author validate <id> --sets <set dir>\` after every change.
`;

const STARTER = `export interface Charge {
  id: string;
  amount: number;
  amountRefunded: number;
}

export interface ChargeStore {
  get(id: string): Promise<Charge | undefined>;
  set(id: string, charge: Charge): Promise<void>;
}

export class RefundError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class RefundLedger {
  constructor(private readonly charges: ChargeStore) {}

  async refund(chargeId: string, amount: number): Promise<Charge> {
    if (!Number.isInteger(amount) || amount <= 0) {
      throw new RefundError('amount_invalid', 'amount must be a positive integer of minor units');
    }
    const charge = await this.charges.get(chargeId);
    if (!charge) throw new RefundError('charge_not_found', \`no charge \${chargeId}\`);
    // @bug refund-exceeds-charge
    if (amount > charge.amount) {
      throw new RefundError('amount_too_large', \`at most \${charge.amount - charge.amountRefunded} can still be refunded\`);
    }
    const updated = { ...charge, amountRefunded: charge.amountRefunded + amount };
    await this.charges.set(chargeId, updated);
    return updated;
  }
}
`;

const REFERENCE = STARTER.replace('    // @bug refund-exceeds-charge\n    if (amount > charge.amount) {', '    if (amount > charge.amount - charge.amountRefunded) {');

const HIDDEN = `// Hidden suite: never served. Import the code under test from @impl/<file> and the
// harness from bugbash/harness; the grader points @impl at the learner's files, the
// reference, the starter or a single-bug variant.
import { bug, guard, Env, FakeStore, expectRejects, expectSame } from 'bugbash/harness';
import { RefundLedger, type Charge } from '@impl/refunds';

function ledgerWith(charge: Charge) {
  const store = new FakeStore<Charge>(new Env(), 'charges', { [charge.id]: charge });
  return { store, ledger: new RefundLedger(store) };
}

// A guard: behaviour the starter already gets right. If it fails, the learner broke it.
guard('a partial refund is recorded on the charge', async () => {
  const { ledger } = ledgerWith({ id: 'ch_1', amount: 100, amountRefunded: 0 });
  const charge = await ledger.refund('ch_1', 30);
  expectSame(charge.amountRefunded, 30, 'a refund of 30 on a fresh charge should leave amountRefunded at 30');
});

guard('an unknown charge cannot be refunded', async () => {
  const { ledger } = ledgerWith({ id: 'ch_1', amount: 100, amountRefunded: 0 });
  await expectRejects(ledger.refund('ch_404', 10), 'charge_not_found', 'refunding a charge that does not exist should fail with charge_not_found');
});

// A bug test: fails while the bug is present, passes once it is fixed. Symptoms are
// written for the learner: what production would see, never the fix.
bug('refund-exceeds-charge', 'partial refunds never add up to more than the charge', async () => {
  const { ledger, store } = ledgerWith({ id: 'ch_1', amount: 100, amountRefunded: 0 });
  await ledger.refund('ch_1', 60);
  await expectRejects(ledger.refund('ch_1', 60), 'amount_too_large', 'two refunds of 60 on a charge of 100 both went through: 120 was refunded');
  expectSame(store.peek('ch_1')?.amountRefunded, 60, 'a rejected refund must not change the charge');
});
`;
