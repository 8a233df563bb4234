/** The library's pure helpers: webhook signatures and minor-unit money. */
import { createHmac } from 'node:crypto';
import { checkChargeAmount, checkCurrency, checkPartialAmount, currencyExponent, formatAmount, fromMinorUnits, MAX_AMOUNT, minimumChargeAmount, THREE_DECIMAL_CURRENCIES, toMinorUnits, ZERO_DECIMAL_CURRENCIES } from '@impl/src/money';
import { Webhooks } from '@impl/src/webhooks';
import { expectSame, guard } from 'bugbash/harness';

// ── webhooks ──

const SECRET = 'whsec_5f1e0c7a9d';
const NOW = Date.UTC(2026, 2, 10, 9, 0, 0) + 999;
const T = Math.floor(NOW / 1000);
const BODY = '{\n  "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",\n  "object": "event",\n  "type": "charge.refunded",\n  "data": { "object": { "id": "ch_3MmlLrLkdIwHu7ix0snN0B15", "amount_refunded": 500 } }\n}';

function sig(body: string, secret: string, t: number): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** 'accepted', or the refusal's class and message. */
function verdict(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return (error as Error).name === 'SignatureVerificationError' ? 'refused' : `threw ${(error as Error).name}`;
  }
}

guard('signatures are verified at the tolerance boundary: 300 s old passes, 301 s fails', () => {
  const webhooks = new Webhooks({ now: () => NOW });
  const at = (age: number, tolerance?: number) => {
    const t = T - age;
    return verdict(() => webhooks.constructEvent(BODY, `t=${t},v1=${sig(BODY, SECRET, t)}`, SECRET, tolerance));
  };
  expectSame(
    { fresh: at(0), age299: at(299), age300: at(300), age301: at(301), hourOld: at(3_600), dayOld: at(86_400), future: at(-600), custom10ok: at(10, 10), custom10old: at(11, 10), off: at(10 * 365 * 86_400, 0) },
    { fresh: 'accepted', age299: 'accepted', age300: 'accepted', age301: 'refused', hourOld: 'refused', dayOld: 'refused', future: 'accepted', custom10ok: 'accepted', custom10old: 'refused', off: 'accepted' },
    'signatures were accepted or refused by age against the rule: floor(now / 1000) − t must be at most the tolerance (300 s by default; 0 turns it off)',
  );
});

guard('only a matching v1 signature over the raw body with the endpoint secret is accepted', () => {
  const webhooks = new Webhooks({ now: () => NOW });
  const good = sig(BODY, SECRET, T);
  const reserialised = JSON.stringify(JSON.parse(BODY));
  const cases: Record<string, () => unknown> = {
    valid: () => webhooks.constructEvent(BODY, `t=${T},v1=${good}`, SECRET),
    buffer: () => webhooks.constructEvent(Buffer.from(BODY), `t=${T},v1=${good}`, SECRET),
    spaces: () => webhooks.constructEvent(BODY, ` t=${T} , v1=${good} `, SECRET),
    rotation: () => webhooks.constructEvent(BODY, `t=${T},v1=${sig(BODY, 'whsec_old', T)},v1=${good}`, SECRET),
    withV0: () => webhooks.constructEvent(BODY, `t=${T},v0=${sig(BODY, 'x', T)},v1=${good}`, SECRET),
    unknownScheme: () => webhooks.constructEvent(BODY, `t=${T},v2=abc,v1=${good}`, SECRET),
    tampered: () => webhooks.constructEvent(BODY.replace('500', '5000'), `t=${T},v1=${good}`, SECRET),
    reserialisedBody: () => webhooks.constructEvent(reserialised, `t=${T},v1=${good}`, SECRET),
    otherSecret: () => webhooks.constructEvent(BODY, `t=${T},v1=${sig(BODY, 'whsec_other', T)}`, SECRET),
    otherTimestamp: () => webhooks.constructEvent(BODY, `t=${T - 1},v1=${good}`, SECRET),
    v0Only: () => webhooks.constructEvent(BODY, `t=${T},v0=${good}`, SECRET),
    truncated: () => webhooks.constructEvent(BODY, `t=${T},v1=${good.slice(0, 63)}`, SECRET),
    upperHex: () => webhooks.constructEvent(BODY, `t=${T},v1=${good.toUpperCase()}`, SECRET),
    noTimestamp: () => webhooks.constructEvent(BODY, `v1=${good}`, SECRET),
    badTimestamp: () => webhooks.constructEvent(BODY, `t=${T}x,v1=${good}`, SECRET),
    fractionTimestamp: () => webhooks.constructEvent(BODY, `t=${T}.5,v1=${good}`, SECRET),
    emptyHeader: () => webhooks.constructEvent(BODY, '', SECRET),
    missingHeader: () => webhooks.constructEvent(BODY, undefined, SECRET),
    twoHeaders: () => webhooks.constructEvent(BODY, [`t=${T},v1=${good}`, `t=${T},v1=${good}`], SECRET),
    noSecret: () => webhooks.constructEvent(BODY, `t=${T},v1=${good}`, ''),
    secretMissing: () => webhooks.constructEvent(BODY, `t=${T},v1=${good}`, undefined as never),
    parsedObject: () => webhooks.constructEvent(JSON.parse(BODY) as never, `t=${T},v1=${good}`, SECRET),
    garbageItem: () => webhooks.constructEvent(BODY, `garbage,t=${T},v1=${good}`, SECRET),
  };
  const actual = Object.fromEntries(Object.entries(cases).map(([name, run]) => [name, verdict(run)]));
  expectSame(actual, {
    valid: 'accepted', buffer: 'accepted', spaces: 'accepted', rotation: 'accepted', withV0: 'accepted', unknownScheme: 'accepted', tampered: 'refused', reserialisedBody: 'refused',
    otherSecret: 'refused', otherTimestamp: 'refused', v0Only: 'refused', truncated: 'refused', upperHex: 'refused', noTimestamp: 'refused', badTimestamp: 'refused',
    fractionTimestamp: 'refused', emptyHeader: 'refused', missingHeader: 'refused', twoHeaders: 'refused', noSecret: 'refused', secretMissing: 'refused', parsedObject: 'refused', garbageItem: 'accepted',
  }, 'webhook signatures were accepted or refused against the documented rules');
});

guard('constructEvent returns the parsed event; a signed body that is not JSON is refused', () => {
  const webhooks = new Webhooks({ now: () => NOW });
  const event = webhooks.constructEvent(BODY, `t=${T},v1=${sig(BODY, SECRET, T)}`, SECRET);
  const notJson = 'not json';
  expectSame(
    { id: event.id, type: event.type, notJson: verdict(() => webhooks.constructEvent(notJson, `t=${T},v1=${sig(notJson, SECRET, T)}`, SECRET)), verifyOnly: verdict(() => webhooks.verifyHeader(notJson, `t=${T},v1=${sig(notJson, SECRET, T)}`, SECRET)) },
    { id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', type: 'charge.refunded', notJson: 'refused', verifyOnly: 'accepted' },
    'constructEvent did not return the signed event, or accepted a body that is not JSON',
  );
});

guard('generateTestHeaderString signs with the given or current timestamp', () => {
  const webhooks = new Webhooks({ now: () => NOW });
  expectSame(
    [webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET }), webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: 1_700_000_000 })],
    [`t=${T},v1=${sig(BODY, SECRET, T)}`, `t=1700000000,v1=${sig(BODY, SECRET, 1_700_000_000)}`],
    'generateTestHeaderString did not build t=<seconds>,v1=<HMAC-SHA256 of "t.payload">',
  );
});

// ── money ──

function attempt(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return (error as Error).name === 'ParameterError' ? `refused (${(error as { param?: string }).param})` : `threw ${(error as Error).name}`;
  }
}

const ZERO = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
const THREE = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

guard('every currency has its ISO 4217 exponent; codes must be lowercase three letters', () => {
  const actual = Object.fromEntries([...ZERO, ...THREE, 'usd', 'eur', 'gbp', 'huf', 'xyz', 'USD', 'us', 'usdd', 'u1d'].map((c) => [c, attempt(() => currencyExponent(c))]));
  const expected = Object.fromEntries([
    ...ZERO.map((c) => [c, 0]), ...THREE.map((c) => [c, 3]), ['usd', 2], ['eur', 2], ['gbp', 2], ['huf', 2], ['xyz', 2],
    ['USD', 'refused (currency)'], ['us', 'refused (currency)'], ['usdd', 'refused (currency)'], ['u1d', 'refused (currency)'],
  ]);
  expectSame(actual, expected, 'currency exponents (0 zero-decimal, 3 three-decimal, else 2) or code checks are wrong');
  expectSame([[...ZERO_DECIMAL_CURRENCIES].sort(), [...THREE_DECIMAL_CURRENCIES].sort()], [ZERO, THREE], 'the exported currency lists are not the documented ones');
  expectSame([checkCurrency('chf'), attempt(() => checkCurrency(5, 'presentment_currency'))], ['chf', 'refused (presentment_currency)'], 'checkCurrency did not return the code or name the parameter');
});

guard('toMinorUnits converts exactly and refuses what it cannot convert exactly', () => {
  const cases: [string, string][] = [
    ['17.99', 'usd'], ['78.4', 'usd'], ['0.07', 'usd'], ['0', 'usd'], ['-12.30', 'eur'], ['-0', 'usd'], ['-0.00', 'usd'], [' 5 ', 'usd'], ['1000', 'jpy'], ['-50', 'jpy'],
    ['1.5', 'kwd'], ['0.001', 'bhd'], ['1.230', 'jod'], ['90071992547409.91', 'usd'], ['90071992547409.92', 'usd'], ['10.005', 'usd'], ['10.5', 'jpy'], ['1.2345', 'kwd'],
    ['1e3', 'usd'], ['12.', 'usd'], ['.5', 'usd'], ['', 'usd'], ['1,000', 'usd'], ['+5', 'usd'], ['0x10', 'usd'], ['9999999999999999', 'jpy'], ['5', 'USD'], ['007.10', 'usd'],
  ];
  const actual = Object.fromEntries(cases.map(([value, currency]) => [`${value} ${currency}`, attempt(() => toMinorUnits(value, currency))]));
  expectSame(actual, {
    '17.99 usd': 1_799, '78.4 usd': 7_840, '0.07 usd': 7, '0 usd': 0, '-12.30 eur': -1_230, '-0 usd': 0, '-0.00 usd': 0, ' 5  usd': 500, '1000 jpy': 1_000, '-50 jpy': -50,
    '1.5 kwd': 1_500, '0.001 bhd': 1, '1.230 jod': 1_230, '90071992547409.91 usd': Number.MAX_SAFE_INTEGER, '90071992547409.92 usd': 'refused (amount)',
    '10.005 usd': 'refused (amount)', '10.5 jpy': 'refused (amount)', '1.2345 kwd': 'refused (amount)', '1e3 usd': 'refused (amount)', '12. usd': 'refused (amount)',
    '.5 usd': 'refused (amount)', ' usd': 'refused (amount)', '1,000 usd': 'refused (amount)', '+5 usd': 'refused (amount)', '0x10 usd': 'refused (amount)',
    '9999999999999999 jpy': 'refused (amount)', '5 USD': 'refused (currency)', '007.10 usd': 710,
  }, 'decimal strings were converted to minor units wrongly (a conversion must be exact, or refused)');
  expectSame(Object.is(toMinorUnits('-0', 'usd'), 0), true, 'toMinorUnits("-0") gave negative zero');
});

guard('fromMinorUnits and formatAmount print the currency\'s decimals', () => {
  const cases: [number, string][] = [[1_234, 'usd'], [5, 'usd'], [0, 'usd'], [-5, 'usd'], [100, 'eur'], [500, 'jpy'], [-1_000, 'krw'], [1, 'kwd'], [-1_500, 'kwd'], [123_456_789, 'usd'], [1_000_000, 'jpy'], [1_234_567_890, 'kwd'], [999, 'usd'], [100_000, 'usd']];
  const actual = Object.fromEntries(cases.map(([amount, currency]) => [`${amount} ${currency}`, [attempt(() => fromMinorUnits(amount, currency)), attempt(() => formatAmount(amount, currency))]]));
  expectSame(actual, {
    '1234 usd': ['12.34', '12.34 USD'], '5 usd': ['0.05', '0.05 USD'], '0 usd': ['0.00', '0.00 USD'], '-5 usd': ['-0.05', '-0.05 USD'], '100 eur': ['1.00', '1.00 EUR'],
    '500 jpy': ['500', '500 JPY'], '-1000 krw': ['-1000', '-1,000 KRW'], '1 kwd': ['0.001', '0.001 KWD'], '-1500 kwd': ['-1.500', '-1.500 KWD'],
    '123456789 usd': ['1234567.89', '1,234,567.89 USD'], '1000000 jpy': ['1000000', '1,000,000 JPY'], '1234567890 kwd': ['1234567.890', '1,234,567.890 KWD'],
    '999 usd': ['9.99', '9.99 USD'], '100000 usd': ['1000.00', '1,000.00 USD'],
  }, 'amounts in minor units were printed with the wrong decimals or grouping');
  expectSame([attempt(() => fromMinorUnits(1.5, 'usd')), attempt(() => fromMinorUnits(Number.NaN, 'usd')), attempt(() => fromMinorUnits(2 ** 53, 'usd'))], ['refused (amount)', 'refused (amount)', 'refused (amount)'], 'fromMinorUnits printed an amount that is not a safe integer');
});

guard("minimum charge amounts follow Stripe's table, in minor units", () => {
  const currencies = ['usd', 'eur', 'cad', 'aud', 'chf', 'sgd', 'gbp', 'jpy', 'hkd', 'mxn', 'sek', 'nok', 'dkk', 'pln', 'aed', 'ron', 'czk', 'huf', 'kwd', 'krw', 'inr'];
  expectSame(
    Object.fromEntries(currencies.map((c) => [c, minimumChargeAmount(c)])),
    { usd: 50, eur: 50, cad: 50, aud: 50, chf: 50, sgd: 50, gbp: 30, jpy: 50, hkd: 400, mxn: 1_000, sek: 300, nok: 300, dkk: 250, pln: 200, aed: 200, ron: 200, czk: 1_500, huf: 17_500, kwd: 1, krw: 1, inr: 1 },
    'minimum charge amounts (minor units) differ from the table',
  );
});

guard('charge amounts: positive integers from the minimum to 99,999,999, three-decimal ones ending in 0', () => {
  const cases: [unknown, string][] = [
    [50, 'usd'], [49, 'usd'], [30, 'gbp'], [29, 'gbp'], [50, 'jpy'], [49, 'jpy'], [17_500, 'huf'], [17_499, 'huf'], [1, 'krw'], [99_999_999, 'usd'], [100_000_000, 'usd'],
    [0, 'usd'], [-100, 'usd'], [19.99, 'usd'], [Number.NaN, 'usd'], [Infinity, 'usd'], ['100', 'usd'], [1_010, 'kwd'], [1_005, 'kwd'], [10, 'bhd'], [1, 'bhd'], [250, 'dkk'], [249, 'dkk'],
  ];
  const actual = Object.fromEntries(cases.map(([amount, currency]) => [`${String(amount)} ${currency}`, attempt(() => checkChargeAmount(amount, currency))]));
  const r = 'refused (amount)';
  expectSame(actual, {
    '50 usd': 50, '49 usd': r, '30 gbp': 30, '29 gbp': r, '50 jpy': 50, '49 jpy': r, '17500 huf': 17_500, '17499 huf': r, '1 krw': 1, '99999999 usd': 99_999_999, '100000000 usd': r,
    '0 usd': r, '-100 usd': r, '19.99 usd': r, 'NaN usd': r, 'Infinity usd': r, '100 usd': r, '1010 kwd': 1_010, '1005 kwd': r, '10 bhd': 10, '1 bhd': r, '250 dkk': 250, '249 dkk': r,
  }, 'charge amounts were accepted or refused against the rules');
  expectSame(attempt(() => checkChargeAmount(49, 'usd')) === r && (() => { try { checkChargeAmount(49, 'usd'); } catch (e) { return (e as Error).message; } })()?.includes('0.50 USD'), true, 'the minimum refusal does not name the minimum (0.50 USD)');
  expectSame(MAX_AMOUNT, 99_999_999, 'the largest amount is not 99,999,999');
});

guard('refund and capture amounts: positive integers up to 99,999,999', () => {
  const actual = Object.fromEntries([1, 99_999_999, 100_000_000, 0, -1, 1.5, Number.NaN, '5'].map((a) => [String(a), attempt(() => checkPartialAmount(a))]));
  expectSame(actual, { '1': 1, '99999999': 99_999_999, '100000000': 'refused (amount)', '0': 'refused (amount)', '-1': 'refused (amount)', '1.5': 'refused (amount)', NaN: 'refused (amount)', '5': 'refused (amount)' }, 'refund or capture amounts were accepted or refused against the rules');
  expectSame(attempt(() => checkPartialAmount(0, 'amount_to_capture')), 'refused (amount_to_capture)', 'checkPartialAmount did not name its parameter');
});
