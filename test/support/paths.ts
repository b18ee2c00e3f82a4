import * as path from 'node:path';

/** The repository root, from out/test/support/ or test/support/. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

export const testResults = path.join(repoRoot, 'test-results');

/** What each tier writes to test-results/<tier>.json. */
export interface TierResult {
  tier: string;
  passes: number;
  failures: number;
  pending: number;
  failed: string[];
}
