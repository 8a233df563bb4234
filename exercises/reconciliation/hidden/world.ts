/**
 * The world around the settlement importer in the hidden suites: our charge ledger, the
 * payouts, settlements and imports tables (FakeStore, whose calls can be made to fail), and
 * two import workers built from separate module instances over the same tables, as the brief
 * says several workers run.
 */
import { Env, FakeStore } from 'bugbash/harness';
import { SettlementImporter } from '@impl/importer';
import { SettlementImporter as SecondWorker } from '@impl/importer?instance=2';
import type { ChargeSettlement, ImportSummary, LedgerCharge, PayoutRecord } from '@impl/types';

export * from './fakes';

/** Our ledger: a full capture, a captured charge refunded in part, a partial capture, and yen and dinar charges. */
export const LEDGER: Record<string, LedgerCharge> = {
  ch_1: { id: 'ch_1', currency: 'usd', amount: 10_000, amount_captured: 10_000, amount_refunded: 0 },
  ch_2: { id: 'ch_2', currency: 'usd', amount: 5_000, amount_captured: 5_000, amount_refunded: 2_000 },
  ch_3: { id: 'ch_3', currency: 'usd', amount: 10_000, amount_captured: 6_000, amount_refunded: 0 },
  ch_4: { id: 'ch_4', currency: 'usd', amount: 3_000, amount_captured: 3_000, amount_refunded: 3_000 },
};

export interface WorldOptions {
  ledger?: Record<string, LedgerCharge>;
  payouts?: Record<string, PayoutRecord>;
  settlements?: Record<string, ChargeSettlement>;
  /**
   * Rules checked after every write (all on by default). Off where another bug's planted
   * change would break them in a test of this one: a test of the payout's lines does not
   * judge how charges were settled.
   */
  invariants?: { payoutSums?: boolean; settlementSums?: boolean; nothingLost?: boolean };
}

export function world(env: Env = new Env(), options: WorldOptions = {}) {
  const ledger = new FakeStore<LedgerCharge>(env, 'ledger', options.ledger ?? LEDGER, { fields: ['amount', 'amount_captured', 'amount_refunded'] });
  const payouts = new FakeStore<PayoutRecord>(env, 'payouts', options.payouts, {
    describe: (p) => `${Object.keys(p.lines).join(', ') || 'no lines'}, net ${p.net}`,
  });
  const settlements = new FakeStore<ChargeSettlement>(env, 'settlements', options.settlements, {
    describe: (s) => `${Object.keys(s.entries).join(', ') || 'no entries'}, captured ${s.captured}, refunded ${s.refunded}`,
  });
  const imports = new FakeStore<ImportSummary>(env, 'imports', undefined, { fields: ['lines', 'exceptions'] });
  const tables = { ledger, payouts, settlements, imports };
  const importer = env.track(new SettlementImporter(tables));
  const importer2 = env.track(new SecondWorker(tables) as unknown as SettlementImporter);

  const checks = { payoutSums: true, settlementSums: true, nothingLost: true, ...options.invariants };
  if (checks.payoutSums) {
    env.invariant("a payout's net and fee are the sums of its lines", () => {
      for (const p of payouts.values()) {
        const lines = Object.values(p.lines);
        const net = lines.reduce((sum, l) => sum + l.net, 0);
        const fee = lines.reduce((sum, l) => sum + l.fee, 0);
        if (net !== p.net || fee !== p.fee) return `${p.id} holds ${lines.length} lines netting ${net} (fees ${fee}) but records net ${p.net} (fees ${p.fee})`;
      }
      return true;
    });
  }
  if (checks.settlementSums) {
    env.invariant("a charge's settled captured and refunded amounts are the sums of its settled lines", () => {
      for (const s of settlements.values()) {
        const entries = Object.values(s.entries);
        const captured = entries.filter((e) => e.type === 'charge').reduce((sum, e) => sum + e.amount, 0);
        const refunded = entries.filter((e) => e.type === 'refund').reduce((sum, e) => sum + e.amount, 0);
        if (captured !== s.captured || refunded !== s.refunded) {
          return `${s.charge} has lines settling ${captured} captured and ${refunded} refunded but records ${s.captured} and ${s.refunded}`;
        }
      }
      return true;
    });
  }
  if (checks.nothingLost) {
    const seen = new Map<string, Set<string>>();
    env.invariant('a line recorded on a payout or a charge settlement stays recorded', () => {
      const rows: [string, string[]][] = [
        ...payouts.values().map((p): [string, string[]] => [`payout ${p.id}`, Object.keys(p.lines)]),
        ...settlements.values().map((s): [string, string[]] => [`settlement of ${s.charge}`, Object.keys(s.entries)]),
      ];
      for (const [name, ids] of rows) {
        const before = seen.get(name) ?? new Set<string>();
        const lost = [...before].filter((id) => !ids.includes(id));
        if (lost.length > 0) return `${name} no longer holds ${lost.join(', ')}: another write replaced it`;
        seen.set(name, new Set([...before, ...ids]));
      }
      return true;
    });
  }

  return { env, ledger, payouts, settlements, imports, importer, importer2 };
}

export type World = ReturnType<typeof world>;

/** Transaction ids on a payout, sorted. */
export function linesOf(w: World, payout: string): string[] {
  return Object.keys(w.payouts.peek(payout)?.lines ?? {}).sort();
}

/** What a charge has settled: captured, refunded and its line ids, sorted. */
export function settledOf(w: World, charge: string): { captured: number; refunded: number; lines: string[] } {
  const s = w.settlements.peek(charge);
  return { captured: s?.captured ?? 0, refunded: s?.refunded ?? 0, lines: Object.keys(s?.entries ?? {}).sort() };
}
