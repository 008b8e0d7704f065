// Stores contracts: the contract's own item, and one item per version (content, hash, findings).
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/query-all.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import type { Contract, ContractVersion, Finding } from './model.ts';

const contractKey = (id: string) => ({ pk: `CONTRACT#${id}`, sk: 'CONTRACT' });
const versionKey = (id: string, version: number) => ({
  pk: `CONTRACT#${id}`,
  sk: `V#${String(version).padStart(4, '0')}`,
});

export class ContractRepository extends SubjectItems<Contract> {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    super(table, {
      entity: 'contract',
      key: contractKey,
      indexKeys: (contract) => ({
        gsi1pk: `SUBMITTER#${contract.submitter}`,
        gsi1sk: `CONTRACT#${contract.submittedAt}#${contract.id}`,
        gsi3pk: `CUSTOMER#${contract.customer.email}`,
        gsi3sk: `CONTRACT#${contract.id}`,
      }),
    });
    this.#table = table;
  }

  async version(id: string, version: number): Promise<ContractVersion | undefined> {
    const { Item } = await this.#table.db.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: versionKey(id, version),
        ConsistentRead: true,
      }),
    );
    return Item ? strip(Item) : undefined;
  }

  /** Every version, oldest first. */
  async versions(id: string): Promise<ContractVersion[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': `CONTRACT#${id}`, ':v': 'V#' },
      ConsistentRead: true,
    });
    return items.map(strip);
  }

  /** Adds a version, once: versions never change after they are submitted (their findings aside). */
  async addVersion(version: ContractVersion): Promise<void> {
    await this.#table.db.send(
      new PutCommand({
        TableName: this.#table.tableName,
        Item: { ...versionKey(version.contractId, version.version), entity: 'contract-version', ...version },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Removes a version that never got reviewed (its workflow could not start). */
  async removeVersion(id: string, version: number): Promise<void> {
    await this.#table.db.send(
      new DeleteCommand({ TableName: this.#table.tableName, Key: versionKey(id, version) }),
    );
  }

  /** Records what the automatic checks found for a version; running them again replaces it. */
  async setFindings(id: string, version: number, findings: Finding[]): Promise<void> {
    await this.#table.db.send(
      new UpdateCommand({
        TableName: this.#table.tableName,
        Key: versionKey(id, version),
        UpdateExpression: 'SET findings = :findings',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':findings': findings },
      }),
    );
  }
}

function strip(item: Record<string, unknown>): ContractVersion {
  const { pk: _pk, sk: _sk, entity: _entity, ...version } = item;
  return version as unknown as ContractVersion;
}
