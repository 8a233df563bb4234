import { expectSame, guard } from 'bugbash/harness';
import { world } from './world';

/** Runs `call`; 'sent' when it reached the API, else the refusal's class and parameter. */
async function send(w: ReturnType<typeof world>, call: () => Promise<unknown>): Promise<string> {
  const before = w.api.received.length;
  try {
    await call();
  } catch (error) {
    const e = error as { name: string; param?: string };
    if (e.name === 'ParameterError') return `refused ${e.param}${w.api.received.length > before ? ' after sending' : ''}`;
  }
  return w.api.received.length > before ? 'sent' : 'not sent';
}

function last(w: ReturnType<typeof world>) {
  const r = w.api.received.at(-1)!;
  return `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}${r.method === 'POST' ? ` ${new URLSearchParams(r.params)}` : ''}`;
}

guard('every charge method sends the documented request', async () => {
  const w = world();
  const requests: string[] = [];
  const charge = await w.client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1', capture: false, description: 'Order 6735', statement_descriptor: 'ACME 6735', receipt_email: 'a@b.co', metadata: { order: '6735' } });
  requests.push(last(w));
  await w.client.charges.retrieve(charge.id);
  requests.push(last(w));
  await w.client.charges.update(charge.id, { description: 'Order 6736' });
  requests.push(last(w));
  const captured = await w.client.charges.capture(charge.id, { amount: 1_500 });
  requests.push(last(w));
  await w.client.charges.list({ customer: 'cus_1', limit: 5 });
  requests.push(last(w));
  const second = await w.client.charges.create({ amount: 999, currency: 'eur', source: 'card_1', capture: false });
  await w.client.charges.capture(second.id);
  requests.push(last(w));
  expectSame(requests, [
    `POST /v1/charges amount=2000&currency=usd&customer=cus_1&capture=false&description=Order+6735&statement_descriptor=ACME+6735&receipt_email=a%40b.co&metadata%5Border%5D=6735`,
    `GET /v1/charges/${charge.id}`,
    `POST /v1/charges/${charge.id} description=Order+6736`,
    `POST /v1/charges/${charge.id}/capture amount=1500`,
    'GET /v1/charges?customer=cus_1&limit=5',
    `POST /v1/charges/${second.id}/capture `,
  ], 'charge methods did not send the documented requests');
  expectSame([captured.amount_captured, captured.captured], [1_500, true], 'capture did not resolve with the captured charge');
});

guard('charge parameters the API refuses are refused before sending', async () => {
  const w = world();
  const base = { amount: 2_000, currency: 'usd', customer: 'cus_1' };
  const cases: Record<string, () => Promise<unknown>> = {
    ok: () => w.client.charges.create(base),
    source: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'tok_visa' }),
    srcSource: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'src_1' }),
    neither: () => w.client.charges.create({ amount: 2_000, currency: 'usd' }),
    badCustomer: () => w.client.charges.create({ ...base, customer: 'acct_1' }),
    bareCustomerPrefix: () => w.client.charges.create({ ...base, customer: 'cus_' }),
    badSource: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'pm_1' }),
    currency: () => w.client.charges.create({ ...base, currency: 'USD' }),
    belowMinimum: () => w.client.charges.create({ ...base, amount: 49 }),
    description1000: () => w.client.charges.create({ ...base, description: 'd'.repeat(1_000) }),
    description1001: () => w.client.charges.create({ ...base, description: 'd'.repeat(1_001) }),
    descriptor22: () => w.client.charges.create({ ...base, statement_descriptor: 'A'.repeat(22) }),
    descriptor23: () => w.client.charges.create({ ...base, statement_descriptor: 'A'.repeat(23) }),
    descriptorDigits: () => w.client.charges.create({ ...base, statement_descriptor: '123456' }),
    descriptorEmpty: () => w.client.charges.create({ ...base, statement_descriptor: '' }),
    descriptorQuote: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME "SHOP"' }),
    descriptorStar: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME*SHOP' }),
    descriptorAngle: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME <SHOP>' }),
    descriptorBackslash: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME\\SHOP' }),
    descriptorApostrophe: () => w.client.charges.create({ ...base, statement_descriptor: "ACME'S" }),
    metadata: () => w.client.charges.create({ ...base, metadata: { ['k'.repeat(41)]: 'v' } }),
    retrieveBadId: () => w.client.charges.retrieve('re_1'),
    retrievePy: () => w.client.charges.retrieve('py_1'),
    updateBadId: () => w.client.charges.update('cus_1', {}),
    updateDescription: () => w.client.charges.update('ch_1', { description: 'd'.repeat(1_001) }),
    updateMetadata: () => w.client.charges.update('ch_1', { metadata: { 'a[b]': 'v' } }),
    captureBadId: () => w.client.charges.capture('ch_', {}),
    captureAmount: () => w.client.charges.capture('ch_1', { amount: 0 }),
    captureDescriptor: () => w.client.charges.capture('ch_1', { statement_descriptor: '999' }),
    listBadCustomer: () => w.client.charges.list({ customer: 'ch_1' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    ok: 'sent', source: 'sent', srcSource: 'sent', neither: 'refused customer', badCustomer: 'refused customer', bareCustomerPrefix: 'refused customer', badSource: 'refused source', currency: 'refused currency',
    belowMinimum: 'refused amount', description1000: 'sent', description1001: 'refused description', descriptor22: 'sent', descriptor23: 'refused statement_descriptor',
    descriptorDigits: 'refused statement_descriptor', descriptorEmpty: 'refused statement_descriptor', descriptorQuote: 'refused statement_descriptor', descriptorStar: 'refused statement_descriptor',
    descriptorAngle: 'refused statement_descriptor', descriptorBackslash: 'refused statement_descriptor', descriptorApostrophe: 'refused statement_descriptor', metadata: 'refused metadata[' + 'k'.repeat(41) + ']',
    retrieveBadId: 'refused id', retrievePy: 'sent', updateBadId: 'refused id', updateDescription: 'refused description', updateMetadata: 'refused metadata[a[b]]',
    captureBadId: 'refused id', captureAmount: 'refused amount', captureDescriptor: 'refused statement_descriptor', listBadCustomer: 'refused customer',
  }, 'charge parameters were sent, or refused, against the documented rules');
});

guard('every refund method sends the documented request, and its parameters are checked', async () => {
  const w = world();
  const [chargeId] = w.api.seed('charges', 1, { amount: 5_000, amount_refunded: 0, currency: 'usd' });
  const requests: string[] = [];
  const refund = await w.client.refunds.create({ charge: chargeId!, amount: 1_000, reason: 'duplicate', metadata: { ticket: '88' } });
  requests.push(last(w));
  await w.client.refunds.retrieve(refund.id);
  requests.push(last(w));
  await w.client.refunds.update(refund.id, { metadata: { ticket: '89' } });
  requests.push(last(w));
  const canceled = await w.client.refunds.cancel(refund.id);
  requests.push(last(w));
  await w.client.refunds.list({ charge: chargeId!, limit: 2 });
  requests.push(last(w));
  const rest = await w.client.refunds.create({ charge: chargeId! });
  requests.push(last(w));
  expectSame(requests, [
    `POST /v1/refunds charge=${chargeId}&amount=1000&reason=duplicate&metadata%5Bticket%5D=88`,
    `GET /v1/refunds/${refund.id}`,
    `POST /v1/refunds/${refund.id} metadata%5Bticket%5D=89`,
    `POST /v1/refunds/${refund.id}/cancel `,
    `GET /v1/refunds?charge=${chargeId}&limit=2`,
    `POST /v1/refunds charge=${chargeId}`,
  ], 'refund methods did not send the documented requests');
  expectSame([canceled.status, rest.amount], ['canceled', 4_000], 'refund results were not returned as the API answered them');
  const cases: Record<string, () => Promise<unknown>> = {
    reasons: async () => { for (const reason of ['duplicate', 'fraudulent', 'requested_by_customer'] as const) await w.client.refunds.create({ charge: 'ch_x', amount: 1, reason }); },
    badReason: () => w.client.refunds.create({ charge: 'ch_x', reason: 'expired' as never }),
    badCharge: () => w.client.refunds.create({ charge: 'cus_1' }),
    noCharge: () => w.client.refunds.create(undefined as never),
    zero: () => w.client.refunds.create({ charge: 'ch_x', amount: 0 }),
    tooLarge: () => w.client.refunds.create({ charge: 'ch_x', amount: 100_000_000 }),
    metadata: () => w.client.refunds.create({ charge: 'ch_x', metadata: { '': 'v' } }),
    retrieveBad: () => w.client.refunds.retrieve('ch_1'),
    updateBad: () => w.client.refunds.update('ch_1', { metadata: null }),
    updateMetadata: () => w.client.refunds.update('re_1', { metadata: { k: 'v'.repeat(501) } }),
    cancelBad: () => w.client.refunds.cancel('re_'),
    listBad: () => w.client.refunds.list({ charge: 're_1' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    reasons: 'sent', badReason: 'refused reason', badCharge: 'refused charge', noCharge: 'refused charge', zero: 'refused amount', tooLarge: 'refused amount', metadata: 'refused metadata[]',
    retrieveBad: 'refused id', updateBad: 'refused id', updateMetadata: 'refused metadata[k]', cancelBad: 'refused id', listBad: 'refused charge',
  }, 'refund parameters were sent, or refused, against the documented rules');
});

guard('every customer method sends the documented request, and its parameters are checked', async () => {
  const w = world();
  const requests: string[] = [];
  const customer = await w.client.customers.create({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: '+14155550100', description: 'VIP', address: { line1: '1 Main St', country: 'US' } });
  requests.push(last(w));
  await w.client.customers.retrieve(customer.id);
  requests.push(last(w));
  await w.client.customers.update(customer.id, { name: null, metadata: { tier: '' } });
  requests.push(last(w));
  await w.client.customers.list({ email: 'jenny.rosen@example.com' });
  requests.push(last(w));
  const deleted = await w.client.customers.del(customer.id);
  requests.push(last(w));
  await w.client.customers.create();
  requests.push(last(w));
  expectSame(requests, [
    'POST /v1/customers email=jenny.rosen%40example.com&name=Jenny+Rosen&phone=%2B14155550100&description=VIP&address%5Bline1%5D=1+Main+St&address%5Bcountry%5D=US',
    `GET /v1/customers/${customer.id}`,
    `POST /v1/customers/${customer.id} name=&metadata%5Btier%5D=`,
    'GET /v1/customers?email=jenny.rosen%40example.com',
    `DELETE /v1/customers/${customer.id}`,
    'POST /v1/customers ',
  ], 'customer methods did not send the documented requests');
  expectSame(deleted, { id: customer.id, object: 'customer', deleted: true }, 'deleting a customer did not resolve with the deleted customer');
  const cases: Record<string, () => Promise<unknown>> = {
    email512: () => w.client.customers.create({ email: `${'a'.repeat(500)}@example.com` }),
    email513: () => w.client.customers.create({ email: `${'a'.repeat(501)}@example.com` }),
    notEmail: () => w.client.customers.create({ email: 'jenny at example.com' }),
    noDomain: () => w.client.customers.create({ email: 'jenny@' }),
    spaced: () => w.client.customers.create({ email: 'jenny rosen@example.com' }),
    name256: () => w.client.customers.create({ name: 'n'.repeat(256) }),
    name257: () => w.client.customers.create({ name: 'n'.repeat(257) }),
    phone20: () => w.client.customers.create({ phone: '1'.repeat(20) }),
    phone21: () => w.client.customers.create({ phone: '1'.repeat(21) }),
    description350: () => w.client.customers.create({ description: 'd'.repeat(350) }),
    description351: () => w.client.customers.create({ description: 'd'.repeat(351) }),
    country: () => w.client.customers.create({ address: { country: 'us' } }),
    country3: () => w.client.customers.create({ address: { country: 'USA' } }),
    nullAddress: () => w.client.customers.create({ address: null }),
    numberName: () => w.client.customers.create({ name: 5 as never }),
    metadata50: () => w.client.customers.create({ metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }),
    metadata51: () => w.client.customers.create({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
    metadataKey40: () => w.client.customers.create({ metadata: { ['k'.repeat(40)]: 'v'.repeat(500) } }),
    metadataNumber: () => w.client.customers.create({ metadata: { k: 5 as never } }),
    metadataArray: () => w.client.customers.create({ metadata: [] as never }),
    metadataString: () => w.client.customers.create({ metadata: 'x' as never }),
    metadataBracket: () => w.client.customers.create({ metadata: { 'a]': 'v' } }),
    updateBad: () => w.client.customers.update('ch_1', {}),
    updateEmail: () => w.client.customers.update('cus_1', { email: 'nope' }),
    retrieveBad: () => w.client.customers.retrieve('cus_'),
    delBad: () => w.client.customers.del('re_1'),
    listBad: () => w.client.customers.list({ email: 'nope' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    email512: 'sent', email513: 'refused email', notEmail: 'refused email', noDomain: 'refused email', spaced: 'refused email', name256: 'sent', name257: 'refused name', phone20: 'sent', phone21: 'refused phone',
    description350: 'sent', description351: 'refused description', country: 'refused address[country]', country3: 'refused address[country]', nullAddress: 'sent', numberName: 'refused name',
    metadata50: 'sent', metadata51: 'refused metadata', metadataKey40: 'sent', metadataNumber: 'refused metadata[k]', metadataArray: 'refused metadata', metadataString: 'refused metadata', metadataBracket: 'refused metadata[a]]',
    updateBad: 'refused id', updateEmail: 'refused email', retrieveBad: 'refused id', delBad: 'refused id', listBad: 'refused email',
  }, 'customer parameters were sent, or refused, against the documented rules');
});
