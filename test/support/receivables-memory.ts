// The receivables items in memory, as the table keeps them: lines, the month index and snapshots, for fast tests.
import type { LedgerLine } from '#payment-collection/ledger.ts';
import type { FoldState } from '#payment-collection/receivables-fold.ts';
import type { KeeperDeps } from '#payment-collection/receivables-keeper.ts';
import { type MonthEntry, monthOf, type ValidSnapshot } from '#payment-collection/receivables-months.ts';
import type { StateSources } from '#payment-collection/receivables-state.ts';

export class MemoryReceivables implements StateSources {
  readonly #lines = new Map<string, LedgerLine>();
  readonly #versions = new Map<string, number>();
  readonly #stamps = new Map<string, { stamp: number; parts: number }>();
  readonly #saved = new Map<string, FoldState>();
  readonly #leases = new Map<string, number>();
  /** How many times each month's lines were read. */
  readonly reads = new Map<string, number>();

  readonly index = { months: async (upTo: string) => this.#months(upTo) };
  readonly lines = { linesOf: async (month: string) => this.#linesOf(month) };
  readonly snapshots: KeeperDeps['snapshots'] = {
    read: async (snapshot: ValidSnapshot) => {
      const state = this.#saved.get(`${snapshot.month}#${snapshot.stamp}`);
      return state && structuredClone(state);
    },
    claim: async (month: string, now: Date, leaseMs: number) => {
      if ((this.#leases.get(month) ?? 0) > now.getTime()) return false;
      this.#leases.set(month, now.getTime() + leaseMs);
      return true;
    },
    save: async (month: string, stamp: number, state: FoldState) => {
      const current = this.#stamps.get(month);
      if (current && current.stamp > stamp) return 'superseded';
      this.#saved.set(`${month}#${stamp}`, structuredClone(state));
      this.#stamps.set(month, { stamp, parts: 1 + Object.keys(state.owners).length });
      this.#leases.delete(month);
      return 'saved';
    },
  };

  /** As `LedgerStore.record` stores a line: the month's version bumped before and after, the line put once. */
  put(line: LedgerLine): void {
    const month = monthOf(line.on);
    this.#bump(month);
    if (!this.#lines.has(line.id)) this.#lines.set(line.id, structuredClone(line));
    this.#bump(month);
  }

  #bump(month: string): void {
    this.#versions.set(month, (this.#versions.get(month) ?? 0) + 1);
  }

  #months(upTo: string): MonthEntry[] {
    const months = new Set([...this.#versions.keys(), ...this.#stamps.keys()]);
    return [...months]
      .filter((month) => month <= upTo)
      .sort()
      .map((month) => {
        const snapshot = this.#stamps.get(month);
        return { month, version: this.#versions.get(month) ?? 0, ...(snapshot ? { snapshot } : {}) };
      });
  }

  #linesOf(month: string): LedgerLine[] {
    this.reads.set(month, (this.reads.get(month) ?? 0) + 1);
    return [...this.#lines.values()]
      .filter((line) => monthOf(line.on) === month)
      .map((l) => structuredClone(l));
  }
}
