// The count after a kill-and-restart run: every business record in the table exactly once, every execution ended well.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { pause, type SandboxProcess } from './sandbox-process.ts';

/** The ids the run was given back, and the payment references it sent. */
export interface Expected {
  claims: string[];
  applications: string[];
  contracts: string[];
  orders: string[];
  installments: string[];
  paymentReferences: string[];
}

export interface Reckoning {
  /** Business records in the table, by kind: each exactly one of those expected. */
  records: Record<keyof Expected, number>;
  /** Executions per workflow, all SUCCEEDED. */
  executions: Record<string, number>;
  /** Their names (business keys) per workflow. */
  executionNames: Record<string, string[]>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Which kind of record an item is, from its key; undefined for everything else (tasks, audit, counters…). */
function recordOf(pk: string, sk: string): [keyof Expected, string] | undefined {
  const [prefix, id = ''] = pk.split(/#(.*)/s);
  if (prefix === 'EXPENSE' && sk === 'CLAIM') return ['claims', id];
  if (prefix === 'APPLICATION' && sk === 'APPLICATION') return ['applications', id];
  if (prefix === 'CONTRACT' && sk === 'CONTRACT') return ['contracts', id];
  if (prefix === 'ORDER' && sk === 'ORDER') return ['orders', id];
  if (prefix === 'CONTRACT' && sk.startsWith('INSTALLMENT#'))
    return ['installments', `${id}-I${Number(sk.slice('INSTALLMENT#'.length))}`];
  if (prefix === 'PAYMENT' && sk === 'PAYMENT') return ['paymentReferences', id];
  return undefined;
}

/** Reads the whole table (a test may Scan; no request path does) and compares its business records with `expected`. */
async function countRecords(sandbox: SandboxProcess, expected: Expected): Promise<Reckoning['records']> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: sandbox.endpoint('DynamoDB'), region: 'us-east-1', credentials }),
  );
  const found: Record<keyof Expected, string[]> = {
    claims: [],
    applications: [],
    contracts: [],
    orders: [],
    installments: [],
    paymentReferences: [],
  };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: 'local-business',
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const record = recordOf(String(item.pk), String(item.sk));
      if (record) found[record[0]].push(record[1]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  db.destroy();
  const records = {} as Reckoning['records'];
  for (const kind of Object.keys(found) as (keyof Expected)[]) {
    // Exactly the ids the run was given: none lost, none made twice by a retried request or step.
    expect(found[kind].toSorted(), kind).toEqual(expected[kind].toSorted());
    records[kind] = found[kind].length;
  }
  return records;
}

/** Waits (bounded) until no execution runs, then checks every one of them succeeded: nothing stranded, nothing failed. */
async function countExecutions(
  sandbox: SandboxProcess,
): Promise<Pick<Reckoning, 'executions' | 'executionNames'>> {
  const sfn = new SFNClient({
    endpoint: sandbox.endpoint('Step Functions API'),
    region: 'us-east-1',
    credentials,
  });
  try {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const all = async () => {
      const executions: { workflow: string; name: string; status: string }[] = [];
      for (const machine of stateMachines) {
        let nextToken: string | undefined;
        do {
          const page = await sfn.send(
            new ListExecutionsCommand({
              stateMachineArn: machine.stateMachineArn,
              maxResults: 1000,
              nextToken,
            }),
          );
          for (const e of page.executions ?? [])
            executions.push({ workflow: machine.name ?? '', name: e.name ?? '', status: e.status ?? '' });
          nextToken = page.nextToken;
        } while (nextToken);
      }
      return executions;
    };
    let executions = await all();
    for (let i = 0; i < 600 && executions.some((e) => e.status === 'RUNNING'); i++) {
      await pause(100);
      executions = await all();
    }
    const unfinished = executions.filter((e) => e.status !== 'SUCCEEDED');
    expect(unfinished, 'executions that did not succeed').toEqual([]);
    const executionNames: Record<string, string[]> = {};
    for (const { workflow, name } of executions)
      executionNames[workflow] = [...(executionNames[workflow] ?? []), name];
    const counts = Object.fromEntries(Object.entries(executionNames).map(([w, names]) => [w, names.length]));
    return { executions: counts, executionNames };
  } finally {
    sfn.destroy();
  }
}

export async function reckon(sandbox: SandboxProcess, expected: Expected): Promise<Reckoning> {
  return { records: await countRecords(sandbox, expected), ...(await countExecutions(sandbox)) };
}
