import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExercise, loadCatalog, type Exercise } from '../../src/catalog/catalog.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const BASIC_SET = path.join(FIXTURES, 'sets', 'basic');

export function fixtureExercise(id = 'tiny-wallet', set = BASIC_SET): Exercise {
  return findExercise(loadCatalog({ sets: [set], withoutBundled: true, trustSets: true }), id);
}

export function learnerFixture(name: string, exercise = 'tiny-wallet'): string {
  return path.join(FIXTURES, 'learner', exercise, name);
}
