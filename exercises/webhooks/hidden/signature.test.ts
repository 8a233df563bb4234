import { Env, FakeClock, bug, expectRejects, expectResolves, expectSame, guard, outcome } from 'bugbash/harness';
import { SignatureVerifier, signatureHeader } from '@impl/signature';
import { NOW, NOW_MS, OLD_SECRET, SECRET, compact, hmac, receiverWorld, signed, topUpEvent } from './world';

const body = compact(topUpEvent('succeeded'));

function verifierAt(nowMs: number, secret = SECRET) {
  return new SignatureVerifier(secret, new FakeClock(nowMs));
}

async function verdict(verifier: SignatureVerifier, payload: string, header: string) {
  const result = await outcome(() => verifier.verify(payload, header));
  return result.ok ? 'accepted' : { rejected: result.code };
}

// --- tolerance-boundary -------------------------------------------------------------------

bug('tolerance-boundary', 'a signature exactly 300 seconds old is still accepted', async () => {
  const header = signed(body, NOW - 300);
  expectSame(
    await verdict(verifierAt(NOW_MS), body, header),
    'accepted',
    'a webhook signed exactly 300 seconds ago was refused as too old; the tolerance is 300 s, so only 301 s and older are refused',
  );
});

bug('tolerance-boundary', 'an event that took 300.9 seconds to arrive is processed by the receiver', async () => {
  const world = receiverWorld(new Env());
  // The clock reads 300.9 s after the signing second: floor(now / 1000) − t = 300.
  world.clock.set((NOW + 300) * 1000 + 900);
  const event = topUpEvent('succeeded');
  const result = await outcome(world.receiver.handle(compact(event), signed(compact(event), NOW)));
  expectSame(
    result.ok ? { status: result.value.status, credits: world.credits.length } : { error: result.code },
    { status: 'processed', credits: 1 },
    'a top-up webhook whose signature was 300 whole seconds old was refused, so the customer was not credited; it is still inside the 300 s tolerance',
  );
});

guard('a signature 301 seconds old is refused as a possible replay', async () => {
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, signed(body, NOW - 301)),
    'timestamp_outside_tolerance',
    'a webhook signed 301 seconds ago was accepted; anything older than 300 s must be refused as a possible replay',
  );
});

guard('a signature 301 seconds old is refused by the receiver and changes nothing', async () => {
  const world = receiverWorld(new Env());
  world.clock.set((NOW + 301) * 1000);
  const event = topUpEvent('succeeded');
  await expectRejects(world.receiver.handle(compact(event), signed(compact(event), NOW)), 'timestamp_outside_tolerance', 'a top-up webhook signed 301 seconds ago was accepted');
  expectSame(world.state(), { top_ups: {}, wallet_credits: [] }, 'a webhook refused as too old still changed a top-up or credited a wallet');
});

guard('a signature from slightly ahead of our clock is accepted', async () => {
  await expectResolves(() => verifierAt(NOW_MS).verify(body, signed(body, NOW + 5)), 'a webhook signed 5 seconds ahead of our clock (clock skew) was refused; only signatures older than the tolerance are refused');
});

guard('an old request with a wrong signature is refused as a signature mismatch', async () => {
  // The tolerance is checked after the signature: a forgery is named as such, however old.
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, signed(body, NOW - 900, ['whsec_attacker'])),
    'signature_mismatch',
    'an old request carrying a forged signature was not refused with signature_mismatch (the signature is checked before the tolerance)',
  );
});

bug('tolerance-boundary', 'a custom tolerance is honoured to the second', async () => {
  const verifier = new SignatureVerifier(SECRET, new FakeClock(NOW_MS), 60);
  const at60 = await verdict(verifier, body, signed(body, NOW - 60));
  const at61 = await verdict(verifier, body, signed(body, NOW - 61));
  expectSame({ at60, at61 }, { at60: 'accepted', at61: { rejected: 'timestamp_outside_tolerance' } }, 'with a 60 s tolerance, a 60 s old signature was not accepted or a 61 s old one was not refused');
});

guard('a freshly signed body is accepted and a tampered one is refused', async () => {
  const header = signed(body);
  await expectResolves(() => verifierAt(NOW_MS).verify(body, header), 'a correctly signed, fresh webhook was refused');
  const tampered = body.replace('2500', '250000');
  await expectRejects(
    () => verifierAt(NOW_MS).verify(tampered, header),
    'signature_mismatch',
    'a webhook whose amount was changed after signing was accepted',
  );
});

// --- rotated-secret-rejected --------------------------------------------------------------

bug('rotated-secret-rejected', 'while a secret is rolled, a header signed with the old and the new secret is accepted', async () => {
  const header = signed(body, NOW, [OLD_SECRET, SECRET]);
  expectSame(
    await verdict(verifierAt(NOW_MS, SECRET), body, header),
    'accepted',
    'during secret rotation the sender signs with both the old and the new secret; the endpoint holding the new secret refused the request because the old secret\'s signature did not match',
  );
});

bug('rotated-secret-rejected', 'an endpoint that still holds the old secret accepts a request signed with both', async () => {
  const world = receiverWorld(new Env(), { secret: OLD_SECRET });
  const event = topUpEvent('succeeded');
  const result = await outcome(world.receiver.handle(compact(event), signed(compact(event), NOW, [SECRET, OLD_SECRET])));
  expectSame(
    result.ok ? { status: result.value.status, credits: world.credits.length } : { error: result.code },
    { status: 'processed', credits: 1 },
    'a webhook signed with both the new and the old secret (as during a secret roll) was refused by an endpoint still on the old secret; any one matching v1 signature is enough',
  );
});

bug('rotated-secret-rejected', 'a header with no v1 signature is refused, even with a valid v0 one', async () => {
  const header = `t=${NOW},v0=${hmac(NOW, body, SECRET)}`;
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, header),
    'no_signatures',
    'a header carrying only a v0 signature was accepted; only v1 signatures count (downgrade protection)',
  );
});

bug('rotated-secret-rejected', 'a v0 signature cannot stand in for a wrong v1 signature', async () => {
  const header = `t=${NOW},v1=${hmac(NOW, body, 'whsec_attacker')},v0=${hmac(NOW, body, SECRET)}`;
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, header),
    'signature_mismatch',
    'a header whose only matching signature was a v0 one was accepted; v0 must be ignored',
  );
});

guard('extra v0 entries next to a valid v1 signature are ignored', async () => {
  const header = `t=${NOW},v1=${hmac(NOW, body, SECRET)},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`;
  await expectResolves(() => verifierAt(NOW_MS).verify(body, header), 'a valid v1 signature was refused because the header also carried a v0 entry');
});

bug('rotated-secret-rejected', 'the matching v1 signature counts wherever it comes in the header', async () => {
  const other = 'whsec_4Kx8third';
  const orders: Array<[string, string[]]> = [
    ['first of two', [SECRET, OLD_SECRET]],
    ['last of two', [OLD_SECRET, SECRET]],
    ['in the middle of three', [OLD_SECRET, SECRET, other]],
    ['first of three', [SECRET, other, OLD_SECRET]],
  ];
  const refused: string[] = [];
  for (const [where, secrets] of orders) {
    const result = await verdict(verifierAt(NOW_MS, SECRET), body, signed(body, NOW, secrets));
    if (result !== 'accepted') refused.push(`matching signature ${where}: ${JSON.stringify(result)}`);
  }
  const withV0 = `t=${NOW},v1=${hmac(NOW, body, SECRET)},v0=${hmac(NOW, body, OLD_SECRET)},v1=${hmac(NOW, body, OLD_SECRET)}`;
  const mixed = await verdict(verifierAt(NOW_MS, SECRET), body, withV0);
  if (mixed !== 'accepted') refused.push(`matching v1 first, then a v0 and another v1: ${JSON.stringify(mixed)}`);
  expectSame(refused, [], 'a header carrying several v1 signatures (a secret being rolled) was refused although one of them matched our secret; any one matching v1 signature is enough');
});

guard('a header whose v1 signatures all come from other secrets is refused', async () => {
  await expectRejects(
    () => verifierAt(NOW_MS, SECRET).verify(body, signed(body, NOW, [OLD_SECRET, 'whsec_4Kx8third'])),
    'signature_mismatch',
    'a header with two v1 signatures, neither made with our secret, was accepted',
  );
});

guard('a signature made with another secret is refused', async () => {
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, signed(body, NOW, ['whsec_someone_else'])),
    'signature_mismatch',
    'a webhook signed with a secret the endpoint does not hold was accepted',
  );
});

guard('a header without a timestamp is refused', async () => {
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, `v1=${hmac(NOW, body, SECRET)}`),
    'signature_header_invalid',
    'a signature header without t= was accepted',
  );
  await expectRejects(
    () => verifierAt(NOW_MS).verify(body, `t=soon,v1=${hmac(NOW, body, SECRET)}`),
    'signature_header_invalid',
    'a signature header whose t= is not a number was accepted',
  );
});

guard('signatureHeader signs t.body with every secret, in order', async () => {
  expectSame(
    signatureHeader(body, [OLD_SECRET, SECRET], NOW),
    `t=${NOW},v1=${hmac(NOW, body, OLD_SECRET)},v1=${hmac(NOW, body, SECRET)}`,
    'the signature header built for a delivery is not t=<seconds> followed by one v1 HMAC-SHA256 of "t.body" per secret',
  );
});
