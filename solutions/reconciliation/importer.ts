import { matchLine, withEntry } from './matching';
import { inSettlementDay, parseReport, settlementWindow } from './report';
import {
  ReconciliationError,
  type ExceptionCode,
  type ImportSummary,
  type LineException,
  type PayoutReconciliation,
  type PayoutRecord,
  type ReconciliationTables,
  type SettlementLine,
  type SettlementReport,
} from './types';

/**
 * Imports the processor's settlement reports into our payouts and charge settlements. Several
 * import workers run this over the same tables, and may be handed the same file, or files
 * that overlap, at the same time.
 */
export class SettlementImporter {
  constructor(private readonly tables: ReconciliationTables) {}

  async importReport(report: SettlementReport): Promise<ImportSummary> {
    const done = await this.tables.imports.get(report.id);
    if (done) return done;

    const lines = parseReport(report);
    const window = settlementWindow(report.settlement_date);
    const exceptions: LineException[] = [];
    let recorded = 0;
    for (const line of lines) {
      if (!inSettlementDay(line.created, window)) {
        exceptions.push({ transaction: line.transaction, code: 'outside_settlement_day' });
        continue;
      }
      await this.recordOnPayout(report, line);
      recorded += 1;
      if (line.charge === null) continue;
      const code = await this.settle(line, line.charge);
      if (code) exceptions.push({ transaction: line.transaction, code });
    }

    const summary: ImportSummary = { report: report.id, payout: report.payout, lines: recorded, exceptions };
    if (await this.tables.imports.setIfAbsent(report.id, summary)) return summary;
    return (await this.tables.imports.get(report.id)) ?? summary;
  }

  async reconcilePayout(payoutId: string, deposited: number): Promise<PayoutReconciliation> {
    const payout = await this.tables.payouts.get(payoutId);
    if (!payout) throw new ReconciliationError('payout_unknown', `No settlement lines for payout ${payoutId}.`);
    const difference = deposited - payout.net;
    return { payout: payoutId, expected: payout.net, deposited, difference, status: difference === 0 ? 'matched' : 'difference' };
  }

  /** Adds the line to its payout once, whoever else is adding lines to it. */
  private async recordOnPayout(report: SettlementReport, line: SettlementLine): Promise<void> {
    for (;;) {
      const payout = await this.tables.payouts.get(report.payout);
      if (payout?.lines[line.transaction]) return;
      const base: PayoutRecord = payout ?? { id: report.payout, currency: report.currency, lines: {}, net: 0, fee: 0 };
      const next: PayoutRecord = {
        ...base,
        lines: { ...base.lines, [line.transaction]: { type: line.type, charge: line.charge, gross: line.gross, fee: line.fee, net: line.net } },
        net: base.net + line.net,
        fee: base.fee + line.fee,
      };
      if (await this.tables.payouts.compareAndSet(report.payout, payout, next)) return;
    }
  }

  /** Records the line against our charge once; returns its exception, if any. */
  private async settle(line: SettlementLine, chargeId: string): Promise<ExceptionCode | null> {
    const charge = await this.tables.ledger.get(chargeId);
    if (!charge) return 'charge_unknown';
    for (;;) {
      const settled = await this.tables.settlements.get(chargeId);
      const entry = settled?.entries[line.transaction];
      if (entry) return entry.exception;

      const exception = matchLine(line, charge, settled);
      const next = withEntry(settled, line, exception);
      if (await this.tables.settlements.compareAndSet(chargeId, settled, next)) return exception;
    }
  }
}
