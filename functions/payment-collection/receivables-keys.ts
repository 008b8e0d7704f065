// Where the receivables items live in the table: ledger lines by month, the month index, snapshot parts.

/** Every ledger line of a month (`2027-03`), sorted by day: `sk` = `<on>#<line id>`. */
export const linesPartition = (month: string) => `LEDGER#${month}`;

/**
 * One item per month in one partition (`sk` = the month): the month's version, bumped by every line written into
 * it, and the stamp of the month's snapshot. One Query reads the whole index; it grows by one small item a month.
 */
export const monthIndexPartition = 'LEDGER#MONTHS';

/** The parts of a month's snapshots: `sk` = `<stamp, 12 digits>#<part>`, so each build's parts sit together. */
export const snapshotPartition = (month: string) => `RECEIVABLES#SNAPSHOT#${month}`;

export const snapshotPartPrefix = (stamp: number) => `${String(stamp).padStart(12, '0')}#`;
