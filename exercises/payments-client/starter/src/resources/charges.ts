/** Charges: `/v1/charges`. */

import { ParameterError } from '../errors';
import { checkChargeAmount, checkCurrency, checkPartialAmount } from '../money';
import { List } from '../pagination';
import type { Charge, CreatedFilter, ListParams, Metadata, RequestOptions } from '../types';
import { checkId, checkMetadata, checkString, objectPath, type Requester } from './params';

export const MAX_STATEMENT_DESCRIPTOR_LENGTH = 22;
export const MAX_DESCRIPTION_LENGTH = 1_000;

export interface ChargeCreateParams {
  amount: number;
  currency: string;
  /** A customer (`cus_…`) whose default payment source is charged. */
  customer?: string;
  /** A payment source (`card_…`, `src_…`, `tok_…`). */
  source?: string;
  description?: string;
  /** `false` authorizes only; capture later with `capture`. Default `true`. */
  capture?: boolean;
  statement_descriptor?: string;
  receipt_email?: string;
  metadata?: Metadata;
}

export interface ChargeUpdateParams {
  description?: string | null;
  receipt_email?: string | null;
  metadata?: Metadata | null;
}

export interface ChargeCaptureParams {
  /** Captures less than authorized; the rest is released. Defaults to the whole amount. */
  amount?: number;
  statement_descriptor?: string;
}

export interface ChargeListParams extends ListParams {
  customer?: string;
  created?: CreatedFilter;
}

const CHARGE_ID = ['ch_', 'py_'];
const SOURCE_ID = ['card_', 'src_', 'tok_'];

function checkStatementDescriptor(value: unknown): void {
  checkString(value, 'statement_descriptor', MAX_STATEMENT_DESCRIPTOR_LENGTH);
  if (typeof value === 'string' && (/^\d*$/.test(value) || /[<>\\'"*]/.test(value))) {
    throw new ParameterError('statement_descriptor', 'statement_descriptor must contain a letter and none of < > \\ \' " *');
  }
}

export class Charges {
  constructor(private readonly client: Requester) {}

  /** Charges a customer or a payment source. */
  create(params: ChargeCreateParams, options?: RequestOptions) {
    const currency = checkCurrency(params?.currency);
    checkChargeAmount(params.amount, currency);
    if (params.customer === undefined && params.source === undefined) {
      throw new ParameterError('customer', 'a charge needs a customer or a source');
    }
    if (params.customer !== undefined) checkId(params.customer, ['cus_'], 'customer');
    if (params.source !== undefined) checkId(params.source, SOURCE_ID, 'source');
    checkString(params.description, 'description', MAX_DESCRIPTION_LENGTH);
    checkStatementDescriptor(params.statement_descriptor);
    checkMetadata(params.metadata);
    return this.client.request<Charge>('POST', '/v1/charges', { ...params }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.client.request<Charge>('GET', objectPath('charges', checkId(id, CHARGE_ID, 'id')), {}, options);
  }

  update(id: string, params: ChargeUpdateParams, options?: RequestOptions) {
    checkId(id, CHARGE_ID, 'id');
    checkString(params.description, 'description', MAX_DESCRIPTION_LENGTH);
    checkMetadata(params.metadata);
    return this.client.request<Charge>('POST', objectPath('charges', id), { ...params }, options);
  }

  /** Captures an authorized charge (created with `capture: false`). */
  capture(id: string, params: ChargeCaptureParams = {}, options?: RequestOptions) {
    checkId(id, CHARGE_ID, 'id');
    if (params.amount !== undefined) checkPartialAmount(params.amount);
    checkStatementDescriptor(params.statement_descriptor);
    return this.client.request<Charge>('POST', objectPath('charges', id, 'capture'), { ...params }, options);
  }

  /** Charges, newest first; filter by customer or creation time. */
  list(params: ChargeListParams = {}, options?: RequestOptions): List<Charge> {
    if (params.customer !== undefined) checkId(params.customer, ['cus_'], 'customer');
    return new List<Charge>((page) => this.client.request('GET', '/v1/charges', page, options), { ...params });
  }
}
