import { bug, guard, errorCode, expectSame, expectThat, explore } from 'bugbash/harness';
import { auth, verdict, world } from './world';

// Allow and block lists, edited from the dashboard while authorizations are assessed.

function entries(w: ReturnType<typeof world>, list: string): string[] {
  return [...(w.lists.peek(list)?.entries ?? [])].sort();
}

function settledAs(result: PromiseSettledResult<unknown>): string {
  return result.status === 'fulfilled' ? 'done' : `failed with ${errorCode(result.reason)}`;
}

guard('entries are added once, removed, and emails are listed case-insensitively', async () => {
  const w = world();
  await w.dashboard.remove('allow', 'card', 'fp_never_listed');
  await w.dashboard.add('block', 'email', ' Mallory@Example.com');
  await w.dashboard2.add('block', 'email', 'mallory@example.com');
  await w.dashboard.add('block', 'card', 'fp_stolen');
  await w.dashboard.add('allow', 'ip', '198.51.100.1');
  await w.dashboard.remove('block', 'card', 'fp_stolen');
  await w.dashboard.remove('block', 'card', 'fp_never_listed');
  expectSame(
    { block: entries(w, 'block'), allow: entries(w, 'allow') },
    { block: ['email:mallory@example.com'], allow: ['ip:198.51.100.1'] },
    'the lists do not hold what the analysts added and removed',
  );
  const decision = await w.radar.assess(auth('auth_1', { email: 'MALLORY@example.com' }));
  expectSame(verdict(decision), { action: 'block', rule: 'block_list' }, 'an email added to the block list did not block its authorizations');
});

bug('list-edit-lost-update', 'two analysts adding to the block list at once both have their entry kept', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('block a card', () => w.dashboard.add('block', 'card', 'fp_stolen')),
      env.run('block an email', () => w.dashboard2.add('block', 'email', 'mallory@example.com')),
    ]);
    const block = entries(w, 'block');
    expectThat(
      results.every((r) => r.status === 'fulfilled') && block.join() === 'card:fp_stolen,email:mallory@example.com',
      'two entries added to the block list at the same moment from two dashboards: one of them was lost, so that card or email is not blocked',
      { expected: { results: ['done', 'done'], block: ['card:fp_stolen', 'email:mallory@example.com'] }, actual: { results: results.map(settledAs), block } },
    );
  });
});

bug('list-edit-lost-update', 'an entry added while another is removed: the removal sticks and the addition is kept', async () => {
  await explore({}, async (env) => {
    const w = world(env, { lists: { allow: { entries: ['email:former.vip@example.com'] } } });
    const results = await env.outcomes([
      env.run('allow an ip', () => w.dashboard.add('allow', 'ip', '198.51.100.1')),
      env.run('remove an email', () => w.dashboard2.remove('allow', 'email', 'former.vip@example.com')),
    ]);
    const allow = entries(w, 'allow');
    expectThat(
      results.every((r) => r.status === 'fulfilled') && allow.join() === 'ip:198.51.100.1',
      'an allow-list entry removed while another was being added came back: that customer again skips every rule',
      { expected: { results: ['done', 'done'], allow: ['ip:198.51.100.1'] }, actual: { results: results.map(settledAs), allow } },
    );
  });
});

guard('two analysts removing entries at once both have their removal kept', async () => {
  await explore({}, async (env) => {
    const w = world(env, { lists: { block: { entries: ['card:fp_1', 'card:fp_2', 'card:fp_3'] } } });
    const results = await env.outcomes([
      env.run('unblock fp_1', () => w.dashboard.remove('block', 'card', 'fp_1')),
      env.run('unblock fp_2', () => w.dashboard2.remove('block', 'card', 'fp_2')),
    ]);
    const block = entries(w, 'block');
    expectThat(results.every((r) => r.status === 'fulfilled') && block.join() === 'card:fp_3', 'two removals from the block list at once did not both stick', {
      expected: { block: ['card:fp_3'] },
      actual: { results: results.map(settledAs), block },
    });
  });
});
