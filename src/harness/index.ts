/**
 * What hidden suites import (`bugbash/harness`). A suite imports the implementation under
 * test from `@impl/<file>` and the reference from `@reference/<file>`; the grader decides
 * at run time which implementation `@impl` is.
 */
export { default as fc } from 'fast-check';
export { describe, beforeEach, afterEach, expect } from 'vitest';
export { bug, guard, failureReport, type HiddenTestMeta, type HiddenTestOptions, type ExplorationRecord } from './tests.js';
export { Env, describeValue, describeError, type RunOptions } from './env.js';
export { FakeStore, FakeClock, StoreUnavailableError, type FakeStoreOptions, type StoreFault } from './fakes.js';
export { markWorld } from './memory.js';
export { EVERYTHING, type Touch } from './schedule.js';
export { explore, type ExploreOptions, type Exploration } from './explore.js';
export { compareWithReference, type Comparison, type Side } from './compare.js';
export { expectSame, expectThat, expectRejects, expectResolves, outcome, errorCode, type Outcome } from './expect.js';
export { LearnerFailure, fail, show, renderPlain, type FailureDetails, type FailureReport } from './failure.js';
