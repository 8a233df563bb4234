import { toMinorUnits } from './money';
import { ReconciliationError, type ReportRow, type SettlementLine, type SettlementReport } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
const TYPES: ReadonlySet<string> = new Set(['charge', 'refund', 'adjustment']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

export interface SettlementWindow {
  start: number;
  end: number;
}

/** A settlement day runs from 00:00 UTC on its date to 00:00 UTC on the next. */
export function settlementWindow(date: string): SettlementWindow {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(start)) throw invalid(`settlement_date ${JSON.stringify(date)} is not a date`);
  return { start, end: start + DAY_MS };
}

export function inSettlementDay(created: number, window: SettlementWindow): boolean {
  // @bug cutoff-boundary
  return created >= window.start && created <= window.end;
}

/**
 * Every distinct line of a report, in file order. A line delivered twice in one file is kept
 * once; anything malformed refuses the whole file before anything is written.
 */
export function parseReport(report: SettlementReport): SettlementLine[] {
  const lines = new Map<string, SettlementLine>();
  for (const row of report.rows) {
    const line = parseRow(row, report.currency);
    const earlier = lines.get(line.transaction);
    if (earlier && JSON.stringify(earlier) !== JSON.stringify(line)) {
      throw invalid(`${line.transaction} appears twice with different contents`);
    }
    lines.set(line.transaction, line);
  }
  return [...lines.values()];
}

function parseRow(row: ReportRow, currency: string): SettlementLine {
  const id = row.balance_transaction;
  if (!/^txn_\w+$/.test(id)) throw invalid(`${JSON.stringify(id)} is not a balance transaction id`);
  if (!TYPES.has(row.type)) throw invalid(`${id}: unknown type ${JSON.stringify(row.type)}`);
  if (row.currency !== currency) throw invalid(`${id}: ${row.currency} in a ${currency} report`);
  if ((row.type === 'adjustment') !== (row.source === '')) throw invalid(`${id}: a ${row.type} line with source ${JSON.stringify(row.source)}`);
  const created = TIMESTAMP.test(row.created) ? Date.parse(row.created) : NaN;
  if (Number.isNaN(created)) throw invalid(`${id}: created ${JSON.stringify(row.created)} is not a timestamp`);
  const gross = toMinorUnits(row.gross, currency);
  const fee = toMinorUnits(row.fee, currency);
  const net = toMinorUnits(row.net, currency);
  if (gross - fee !== net) throw invalid(`${id}: net ${row.net} is not gross ${row.gross} less fee ${row.fee}`);
  if ((row.type === 'charge' && gross <= 0) || (row.type === 'refund' && gross >= 0)) {
    throw invalid(`${id}: a ${row.type} line of ${row.gross}`);
  }
  return { transaction: id, type: row.type, charge: row.source || null, created, gross, fee, net };
}

function invalid(message: string): ReconciliationError {
  return new ReconciliationError('report_invalid', message);
}
