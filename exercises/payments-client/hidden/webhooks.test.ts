import { createHmac } from 'node:crypto';
import { expectSame, guard } from 'bugbash/harness';
import { Webhooks } from '@impl/src/webhooks';

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
    parsedObject: () => webhooks.constructEvent(JSON.parse(BODY) as never, `t=${T},v1=${good}`, SECRET),
    garbageItem: () => webhooks.constructEvent(BODY, `garbage,t=${T},v1=${good}`, SECRET),
  };
  const actual = Object.fromEntries(Object.entries(cases).map(([name, run]) => [name, verdict(run)]));
  expectSame(actual, {
    valid: 'accepted', buffer: 'accepted', spaces: 'accepted', rotation: 'accepted', withV0: 'accepted', unknownScheme: 'accepted', tampered: 'refused', reserialisedBody: 'refused',
    otherSecret: 'refused', otherTimestamp: 'refused', v0Only: 'refused', truncated: 'refused', upperHex: 'refused', noTimestamp: 'refused', badTimestamp: 'refused',
    fractionTimestamp: 'refused', emptyHeader: 'refused', missingHeader: 'refused', twoHeaders: 'refused', noSecret: 'refused', parsedObject: 'refused', garbageItem: 'accepted',
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
