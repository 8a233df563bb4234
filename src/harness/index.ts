/**
 * What hidden suites import (`bugbash/harness`). A suite imports the implementation under
 * test from `@impl/<file>` and the reference from `@reference/<file>`; the grader decides
 * at run time which implementation `@impl` is.
 */
export { default as fc } from 'fast-check';
export { describe, beforeEach, afterEach, expect } from 'vitest';
export { bug, guard, failureReport, type HiddenTestMeta, type HiddenTestOptions } from './tests.js';
export { Env, describeValue, describeError } from './env.js';
export { FakeStore, FakeClock } from './fakes.js';
export { explore, type ExploreOptions } from './explore.js';
export { compareWithReference, type Comparison, type Side } from './compare.js';
export { expectSame, expectThat, expectRejects, expectResolves, outcome, errorCode, type Outcome } from './expect.js';
export { LearnerFailure, fail, show, renderPlain, type FailureDetails, type FailureReport } from './failure.js';
