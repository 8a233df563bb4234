import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureVerificationError } from '../src/errors';
import { Webhooks } from '../src/webhooks';

const SECRET = 'whsec_test_secret';
const NOW = Date.UTC(2025, 2, 1, 9, 30, 0);
const T = Math.floor(NOW / 1000);
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.succeeded', created: T, livemode: false, data: { object: { id: 'ch_1' } } });

function signature(body: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

const webhooks = new Webhooks({ now: () => NOW });

describe('webhook signatures', () => {
  it('accepts a header generated for the payload and returns the event', () => {
    const header = webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(header).toBe(`t=${T},v1=${signature(payload, SECRET, T)}`);
    expect(webhooks.constructEvent(payload, header, SECRET).id).toBe('evt_1');
    expect(webhooks.constructEvent(Buffer.from(payload), header, SECRET).type).toBe('charge.succeeded');
  });

  it('refuses a payload that was changed after signing', () => {
    const header = webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(() => webhooks.constructEvent(payload.replace('ch_1', 'ch_2'), header, SECRET)).toThrow(SignatureVerificationError);
  });

  it('refuses a signature made with another secret', () => {
    const header = webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    expect(() => webhooks.constructEvent(payload, header, SECRET)).toThrow(SignatureVerificationError);
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const header = `t=${T},v1=${signature(payload, 'whsec_old', T)},v1=${signature(payload, SECRET, T)}`;
    expect(webhooks.constructEvent(payload, header, SECRET).id).toBe('evt_1');
  });

  it('ignores v0 signatures', () => {
    const header = `t=${T},v0=${signature(payload, SECRET, T)}`;
    expect(() => webhooks.constructEvent(payload, header, SECRET)).toThrow(/v1/);
  });

  it('refuses a missing or malformed header', () => {
    expect(() => webhooks.constructEvent(payload, undefined, SECRET)).toThrow(SignatureVerificationError);
    expect(() => webhooks.constructEvent(payload, 'v1=abc', SECRET)).toThrow(/timestamp/);
    expect(() => webhooks.constructEvent(payload, ['a', 'b'], SECRET)).toThrow(SignatureVerificationError);
  });

  it('refuses a signature from long ago, unless the age check is off', () => {
    const old = T - 365 * 24 * 3600;
    const header = `t=${old},v1=${signature(payload, SECRET, old)}`;
    expect(() => webhooks.constructEvent(payload, header, SECRET)).toThrow(/tolerance/);
    expect(webhooks.constructEvent(payload, header, SECRET, 0).id).toBe('evt_1');
  });
});
