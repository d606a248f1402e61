// When a table's statistics count as stale (src/maintenance/planner-stats.rules.ts).
import assert from "node:assert/strict";
import { ANALYZE_MAX_ROWS, needsAnalyze } from "../../src/maintenance/planner-stats.rules.js";

describe("planner statistics rule", () => {
  it("never-analysed tables with any change are stale; unchanged ones never", () => {
    assert.equal(needsAnalyze({ live: 10, modified: 1, analyzed: false }), true);
    assert.equal(needsAnalyze({ live: 10, modified: 0, analyzed: false }), false);
    assert.equal(needsAnalyze({ live: 1_000_000, modified: 0, analyzed: true }), false);
  });
  it("analysed tables: past 50 + 10 % of their rows", () => {
    assert.equal(needsAnalyze({ live: 1000, modified: 150, analyzed: true }), false);
    assert.equal(needsAnalyze({ live: 1000, modified: 151, analyzed: true }), true);
  });
  it("large tables: past a fixed ceiling, long before 10 %", () => {
    assert.equal(needsAnalyze({ live: 10_000_000, modified: ANALYZE_MAX_ROWS, analyzed: true }), false);
    assert.equal(needsAnalyze({ live: 10_000_000, modified: ANALYZE_MAX_ROWS + 1, analyzed: true }), true);
  });
});
