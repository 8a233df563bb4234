/** Refunds: `/v1/refunds`. */

import { ParameterError } from '../errors';
import { checkPartialAmount } from '../money';
import { List } from '../pagination';
import type { ListParams, Metadata, Refund, RefundReason, RequestOptions } from '../types';
import { checkId, checkMetadata, objectPath, type Requester } from './params';

export const REFUND_REASONS: readonly RefundReason[] = ['duplicate', 'fraudulent', 'requested_by_customer'];

export interface RefundCreateParams {
  charge: string;
  /** Minor units; defaults to everything not yet refunded. */
  amount?: number;
  reason?: RefundReason;
  metadata?: Metadata;
}

export interface RefundListParams extends ListParams {
  charge?: string;
}

const CHARGE_ID = ['ch_', 'py_'];

export class Refunds {
  constructor(private readonly client: Requester) {}

  /** Refunds all or part of a charge. */
  create(params: RefundCreateParams, options?: RequestOptions) {
    checkId(params?.charge, CHARGE_ID, 'charge');
    if (params.amount !== undefined) checkPartialAmount(params.amount);
    if (params.reason !== undefined && !REFUND_REASONS.includes(params.reason)) {
      throw new ParameterError('reason', `reason must be one of ${REFUND_REASONS.join(', ')}`);
    }
    checkMetadata(params.metadata);
    return this.client.request<Refund>('POST', '/v1/refunds', { ...params }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.client.request<Refund>('GET', objectPath('refunds', checkId(id, ['re_'], 'id')), {}, options);
  }

  update(id: string, params: { metadata: Metadata | null }, options?: RequestOptions) {
    checkId(id, ['re_'], 'id');
    checkMetadata(params.metadata);
    return this.client.request<Refund>('POST', objectPath('refunds', id), { ...params }, options);
  }

  /** Cancels a refund that is still `requires_action`. */
  cancel(id: string, options?: RequestOptions) {
    return this.client.request<Refund>('POST', objectPath('refunds', checkId(id, ['re_'], 'id'), 'cancel'), {}, options);
  }

  /** Refunds, newest first; filter by charge. */
  list(params: RefundListParams = {}, options?: RequestOptions): List<Refund> {
    if (params.charge !== undefined) checkId(params.charge, CHARGE_ID, 'charge');
    return new List<Refund>((page) => this.client.request('GET', '/v1/refunds', page, options), { ...params });
  }
}
