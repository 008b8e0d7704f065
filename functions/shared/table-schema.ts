// The table's keys and indexes: one definition read by the CDK construct and by the sandbox's local DynamoDB.

/**
 * One table for every business object (single-table design). Keys are strings; the secondary indexes are
 * overloaded, each serving several access patterns, so new patterns rarely need a new index (DynamoDB adds only
 * one GSI per deployment).
 *
 * - main:  `pk` = the object (`PERSON#<email>`, `TASK#<id>`, `CONTRACT#<id>` …), `sk` = its part (`PROFILE`, `V#0002`, `AUDIT#<at>` …)
 * - gsi1:  by owner: `gsi1pk` = `ASSIGNEE#<email>` / `SUBMITTER#<email>` / `ROLE#<role>`, `gsi1sk` = status + time
 * - gsi2:  by due time: `gsi2pk` = `DUE#<kind>` (open tasks, kept mails, installments), `gsi2sk` = next action time
 *          (ISO); and subjects needing attention: `gsi2pk` = `ATTENTION#<workflow>`, `gsi2sk` = since when
 * - gsi3:  by parent: `gsi3pk` = `CONTRACT#<id>` / `CUSTOMER#<email>` / `BUDGET#<costCenter>`, `gsi3sk` = child key
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; on AWS DynamoDB deletes expired items eventually, so readers still check `expiresAt`. */
  timeToLiveAttribute: 'ttl',
  globalIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof tableSchema.globalIndexes)[number]['indexName'];
