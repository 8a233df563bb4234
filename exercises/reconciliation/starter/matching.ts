import type { ChargeSettlement, ExceptionCode, LedgerCharge, SettlementEntry, SettlementLine } from './types';

export function refundAmount(line: SettlementLine): number {
  // @bug refund-fee-netted
  return -line.net;
}

/** Compares a charge or refund line with the charge on our ledger, given what already settled. */
export function matchLine(line: SettlementLine, charge: LedgerCharge, settled: ChargeSettlement | undefined): ExceptionCode | null {
  if (line.type === 'charge') {
    // @bug partial-capture
    return line.gross === charge.amount ? null : 'amount_mismatch';
  }
  const refunded = (settled?.refunded ?? 0) + refundAmount(line);
  return refunded > charge.amount_refunded ? 'refund_mismatch' : null;
}

/** The settlement with one more line in it. */
export function withEntry(settled: ChargeSettlement | undefined, line: SettlementLine, exception: ExceptionCode | null): ChargeSettlement {
  const base = settled ?? { charge: line.charge ?? '', entries: {}, captured: 0, refunded: 0 };
  const type = line.type === 'refund' ? 'refund' : 'charge';
  const entry: SettlementEntry = { type, amount: type === 'refund' ? refundAmount(line) : line.gross, exception };
  return {
    ...base,
    entries: { ...base.entries, [line.transaction]: entry },
    captured: base.captured + (type === 'charge' ? entry.amount : 0),
    refunded: base.refunded + (type === 'refund' ? entry.amount : 0),
  };
}
