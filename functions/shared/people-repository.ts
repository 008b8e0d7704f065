// Reads and writes people and their role memberships in the business table.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conflict } from './errors.ts';
import { type Person, personSchema, type Role } from './people.ts';
import { queryAll } from './query-all.ts';
import { parseOrThrow } from './schema-parse.ts';

export interface StoredPerson extends Person {
  version: number;
  updatedAt: string;
}

const personKey = (email: string) => ({ pk: `PERSON#${email}`, sk: 'PROFILE' });
const membershipKey = (email: string, role: Role) => ({ pk: `PERSON#${email}`, sk: `ROLE#${role}` });

export class PeopleRepository {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async get(email: string): Promise<StoredPerson | undefined> {
    const { Item } = await this.#db.send(new GetCommand({ TableName: this.#table, Key: personKey(email) }));
    return Item ? toStored(Item) : undefined;
  }

  /**
   * Creates or replaces a person. The profile is written first with a version check, so two admins editing at once
   * cannot silently overwrite each other; role memberships (one item per role, for the by-role index) follow, and
   * readers confirm a membership against the profile, so a crash between the two writes never grants a role.
   */
  async put(person: Person, now: Date): Promise<StoredPerson> {
    const current = await this.get(person.email);
    const stored: StoredPerson = {
      ...person,
      version: (current?.version ?? 0) + 1,
      updatedAt: now.toISOString(),
    };
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...personKey(person.email), entity: 'person', ...stored },
          ConditionExpression: current ? 'version = :expected' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: current ? { ':expected': current.version } : undefined,
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw conflict(
          `${person.email} was changed by someone else at the same time; read it again and retry`,
        );
      }
      throw error;
    }
    for (const role of person.roles) {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...membershipKey(person.email, role),
            entity: 'role-membership',
            gsi1pk: `ROLE#${role}`,
            gsi1sk: `PERSON#${person.email}`,
          },
        }),
      );
    }
    for (const role of current?.roles ?? []) {
      if (!person.roles.includes(role)) {
        await this.#db.send(
          new DeleteCommand({ TableName: this.#table, Key: membershipKey(person.email, role) }),
        );
      }
    }
    return stored;
  }

  /**
   * Marks the person's address undeliverable (a hard bounce), once: `marked` the first time, `already` after, and
   * `unknown` for an address that is nobody in the directory.
   */
  async markUndeliverable(
    email: string,
    reason: string,
    now: Date,
  ): Promise<'marked' | 'already' | 'unknown'> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: personKey(email),
          UpdateExpression: 'SET undeliverable = :mark, version = version + :one, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(undeliverable)',
          ExpressionAttributeValues: {
            ':mark': { since: now.toISOString(), reason: reason.slice(0, 500) },
            ':one': 1,
            ':now': now.toISOString(),
          },
        }),
      );
      return 'marked';
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return (await this.get(email)) ? 'already' : 'unknown';
    }
  }

  /** Everyone who currently holds `role`, by the role index, confirmed against each profile. */
  async membersOf(role: Role): Promise<StoredPerson[]> {
    const memberships = await queryAll(this.#db, {
      TableName: this.#table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :role',
      ExpressionAttributeValues: { ':role': `ROLE#${role}` },
    });
    const emails = memberships.map((item) => String(item.gsi1sk).slice('PERSON#'.length));
    const people = await this.getMany(emails);
    return people.filter((person) => person.roles.includes(role));
  }

  /** Profiles of these people (missing ones left out), in batches of 100 as DynamoDB allows. */
  async getMany(emails: readonly string[]): Promise<StoredPerson[]> {
    const found: StoredPerson[] = [];
    const unique = [...new Set(emails)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(personKey);
      while (keys && keys.length > 0) {
        const result: BatchGetCommandOutput = await this.#db.send(
          new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: keys } } }),
        );
        for (const item of result.Responses?.[this.#table] ?? []) found.push(toStored(item));
        keys = result.UnprocessedKeys?.[this.#table]?.Keys;
      }
    }
    return found.sort((a, b) => a.email.localeCompare(b.email));
  }
}

function toStored(item: Record<string, unknown>): StoredPerson {
  const person = parseOrThrow(personSchema, {
    email: item.email,
    name: item.name,
    roles: item.roles,
    manager: item.manager,
    locale: item.locale,
    delegate: item.delegate,
    undeliverable: item.undeliverable,
  });
  return { ...person, version: Number(item.version), updatedAt: String(item.updatedAt) };
}
