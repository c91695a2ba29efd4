/**
 * Embed mode's URL parsing (src/ui/layout.ts): `?embed` in the query or `embed=…` among the hash's keys,
 * with the legend kept on request (a query option only: the hash keeps the keys its parser knows). The layout itself is checked in the browser (tests/e2e/layout.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { embedModeOf } from '../../src/ui/layout';

describe('embedModeOf', () => {
  it.each([
    ['', '', false, false],
    ['?embed', '', true, false],
    ['?embed=1', '#loss=rugged&lr=0.2', true, false],
    ['?embed=legend', '', true, true],
    ['?embed&legend', '', true, true],
    ['?embed&legend=1', '', true, true],
    ['?embed&legend=0', '', true, false],
    ['', '#loss=rugged&embed=1', true, false],
    ['', '#embed', true, false],
    ['?legend', '#embed=1', true, true],
    ['?legend', '', false, false],
    ['?embed', '#embed=0', false, false], // the hash wins
    ['?other=1', '#c=%7B%22steps%22%3A10%7D', false, false],
    ['?embed=banana', '', false, false], // not a value embed takes: left off
  ])('search %j, hash %j → embed %s, legend %s', (search, hash, embed, legend) => {
    expect(embedModeOf(search, hash)).toEqual({ embed, legend });
  });
});
