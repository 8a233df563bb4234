/** Customers: `/v1/customers`. */

import { ParameterError } from '../errors';
import { List } from '../pagination';
import type { Address, Customer, DeletedCustomer, ListParams, Metadata, RequestOptions } from '../types';
import { checkId, checkMetadata, checkString, objectPath, type Requester } from './params';

export const MAX_EMAIL_LENGTH = 512;
export const MAX_NAME_LENGTH = 256;

export interface CustomerParams {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  description?: string | null;
  address?: Address | null;
  metadata?: Metadata | null;
}

export interface CustomerListParams extends ListParams {
  /** Exact, case-sensitive match. */
  email?: string;
}

function checkEmail(email: unknown): void {
  checkString(email, 'email', MAX_EMAIL_LENGTH);
  if (typeof email === 'string' && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new ParameterError('email', 'email must be an email address');
  }
}

function checkCustomerParams(params: CustomerParams): void {
  checkEmail(params.email);
  checkString(params.name, 'name', MAX_NAME_LENGTH);
  checkString(params.phone, 'phone', 20);
  checkString(params.description, 'description', 350);
  checkMetadata(params.metadata);
  if (params.address?.country !== undefined && !/^[A-Z]{2}$/.test(params.address.country)) {
    throw new ParameterError('address[country]', 'address[country] must be a two-letter ISO 3166-1 code, e.g. "US"');
  }
}

export class Customers {
  constructor(private readonly client: Requester) {}

  create(params: CustomerParams = {}, options?: RequestOptions) {
    checkCustomerParams(params);
    return this.client.request<Customer>('POST', '/v1/customers', { ...params }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.client.request<Customer>('GET', objectPath('customers', checkId(id, ['cus_'], 'id')), {}, options);
  }

  update(id: string, params: CustomerParams, options?: RequestOptions) {
    checkId(id, ['cus_'], 'id');
    checkCustomerParams(params);
    return this.client.request<Customer>('POST', objectPath('customers', id), { ...params }, options);
  }

  /** Deletes a customer for good; their charges stay. */
  del(id: string, options?: RequestOptions) {
    return this.client.request<DeletedCustomer>('DELETE', objectPath('customers', checkId(id, ['cus_'], 'id')), {}, options);
  }

  /** Customers, newest first; filter by email. */
  list(params: CustomerListParams = {}, options?: RequestOptions): List<Customer> {
    if (params.email !== undefined) checkEmail(params.email);
    return new List<Customer>((page) => this.client.request('GET', '/v1/customers', page, options), { ...params });
  }
}
