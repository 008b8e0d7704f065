// GET /people/{email}: anyone in the directory may read a person (name, roles, manager, locale, delegate).
import * as z from 'zod/mini';
import { requireRole } from '#shared/access.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';
import { emailSchema } from '#shared/people.ts';
import { PeopleRepository } from '#shared/people-repository.ts';

const env = readEnv(envVars.table);
const people = new PeopleRepository(dynamo(), env.TABLE_NAME);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ email: emailSchema }) },
  async ({ path, caller }) => {
    await requireRole(people, caller);
    const person = await people.get(path.email);
    if (!person) throw notFound(`Person ${path.email}`);
    return { body: person };
  },
);
