// GET /receivables' core: the figures on a day (today by default, never later), with the salespeople's names.
import * as z from 'zod/mini';
import { type Clock, localDate } from '#shared/clock.ts';
import { InvalidInput } from '#shared/errors.ts';
import type { Role } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { LedgerStore } from './ledger.ts';
import { figuresOf, figuresSchema, salespersonFiguresSchema } from './receivables-figures.ts';
import { SnapshotStore } from './receivables-snapshots.ts';
import { type StateSources, stateOn } from './receivables-state.ts';

/** Finance and the managers who answer for collection. */
export const receivablesReaders: readonly Role[] = ['finance', 'sales-manager', 'sales-director', 'admin'];

export const receivablesQuerySchema = z.strictObject({
  asOf: z.optional(z.iso.date({ error: 'asOf must be a date as YYYY-MM-DD' })),
});

/** The figures, each salesperson named as the directory has them (null for someone no longer in it). */
export const receivablesReportSchema = z.extend(figuresSchema, {
  salespeople: z.array(z.extend(salespersonFiguresSchema, { name: z.nullable(z.string()) })),
});
export type ReceivablesReport = z.infer<typeof receivablesReportSchema>;

export interface ReceivablesDeps {
  sources: StateSources;
  people: Pick<PeopleRepository, 'getMany'>;
  clock: Clock;
}

/** The table's ledger, month index and snapshots, read only. */
export function receivablesSources(table: TableAccess): StateSources {
  const ledger = new LedgerStore(table);
  return { index: ledger, lines: ledger, snapshots: new SnapshotStore(table) };
}

export async function receivablesReport(deps: ReceivablesDeps, asOf?: string): Promise<ReceivablesReport> {
  const today = localDate(deps.clock.now());
  const day = asOf ?? today;
  if (day > today) {
    throw new InvalidInput([{ field: 'query.asOf', message: `asOf must not be after today (${today})` }]);
  }
  const figures = figuresOf((await stateOn(deps.sources, day)).state, day);
  const people = await deps.people.getMany(figures.salespeople.map((person) => person.email));
  const names = new Map(people.map((person) => [person.email, person.name]));
  return {
    ...figures,
    salespeople: figures.salespeople.map((person) => ({ ...person, name: names.get(person.email) ?? null })),
  };
}
