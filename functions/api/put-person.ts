// PUT /people/{email}: an admin creates or updates a person in the directory.
import * as z from 'zod/mini';
import { requireRole } from '#shared/access.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { InvalidInput } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';
import { emailSchema, personInputSchema } from '#shared/people.ts';
import { PeopleRepository } from '#shared/people-repository.ts';

const env = readEnv(envVars.table);
const people = new PeopleRepository(dynamo(), env.TABLE_NAME);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ email: emailSchema }), body: personInputSchema },
  async ({ path, body, caller }) => {
    await requireRole(people, caller, ['admin']);
    // A person can be neither their own manager nor their own delegate: routing would loop on them.
    const problems = [];
    if (body.manager === path.email)
      problems.push({ field: 'manager', message: 'cannot be the person themselves' });
    if (body.delegate?.email === path.email) {
      problems.push({ field: 'delegate.email', message: 'cannot be the person themselves' });
    }
    if (problems.length > 0) throw new InvalidInput(problems);
    const stored = await people.put({ ...body, email: path.email }, processClock.now());
    return { status: stored.version === 1 ? 201 : 200, body: stored };
  },
);
