/**
 * Checks shared by the resources: ids, strings and metadata are refused before a request is
 * sent when the API would refuse them anyway, so a mistake costs no round trip and no
 * idempotency key.
 */

import { ParameterError } from '../errors';
import type { HttpMethod } from '../http';
import type { Metadata, RequestOptions, ResponseMetadata } from '../types';

export const MAX_METADATA_KEYS = 50;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;

/** What a resource needs from the client. */
export interface Requester {
  request<T>(method: HttpMethod, path: string, params?: Record<string, unknown>, options?: RequestOptions): Promise<T & { lastResponse: ResponseMetadata }>;
}

/** Refuses an id that is not a non-empty string starting with one of `prefixes` (`ch_`, …). */
export function checkId(id: unknown, prefixes: readonly string[], param: string): string {
  if (typeof id !== 'string' || !prefixes.some((prefix) => id.startsWith(prefix) && id.length > prefix.length)) {
    throw new ParameterError(param, `${param} must be an id starting with ${prefixes.join(' or ')}`);
  }
  return id;
}

/** The path of one object: `/v1/charges/ch_123`, the id escaped. */
export function objectPath(collection: string, id: string, action?: string): string {
  return `/v1/${collection}/${encodeURIComponent(id)}${action === undefined ? '' : `/${action}`}`;
}

/** Refuses a string parameter that is not a string of at most `maxLength` characters. */
export function checkString(value: unknown, param: string, maxLength: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new ParameterError(param, `${param} must be a string of at most ${maxLength} characters`);
  }
}

/**
 * Refuses metadata the API refuses: more than 50 keys, a key longer than 40 characters or
 * containing square brackets, a value longer than 500 characters. An empty string as a
 * value removes that key on update.
 */
export function checkMetadata(metadata: Metadata | null | undefined): void {
  if (metadata === undefined || metadata === null) return;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new ParameterError('metadata', 'metadata must be an object of strings');
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_KEYS) throw new ParameterError('metadata', `metadata can have at most ${MAX_METADATA_KEYS} keys`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH || /[[\]]/.test(key)) {
      throw new ParameterError(`metadata[${key}]`, `metadata keys must be 1 to ${MAX_METADATA_KEY_LENGTH} characters, without square brackets`);
    }
    if (typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH) {
      throw new ParameterError(`metadata[${key}]`, `metadata values must be strings of at most ${MAX_METADATA_VALUE_LENGTH} characters`);
    }
  }
}
