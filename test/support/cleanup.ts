/** Set-up file of every test file: the temp folders it made are removed when it ends, also after failures. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './cli.js';

afterAll(removeTempDirs);
