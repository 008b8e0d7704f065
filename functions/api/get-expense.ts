// GET /expenses/{id} and /expense-applications/{id}: status, version, current step and assignee, the full trail.
import * as z from 'zod';
import { expenseDeps } from '#expense-approval/expense-deps.ts';
import { requireRole } from '#shared/access.ts';
import { forbidden, notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().regex(/^(EX|PA)-\d{4}-\d{5}$/, 'not a claim or application id') }),
  },
  async ({ path, caller }) => {
    const deps = expenseDeps();
    const person = await requireRole(deps.people, caller);
    const subject = path.id.startsWith('EX-')
      ? await deps.expenses.getClaim(path.id)
      : await deps.expenses.getApplication(path.id);
    if (!subject) throw notFound(path.id);
    const owner = 'submitter' in subject ? subject.submitter : subject.applicant;
    // The owner, whoever reviewed or reviews it now, and finance and admins may read it.
    const involved = new Set([owner, ...subject.reviews.map((r) => r.by), subject.currentStep?.assignee]);
    if (!involved.has(person.email) && !person.roles.some((role) => role === 'finance' || role === 'admin')) {
      throw forbidden(`You are not involved in ${path.id}`);
    }
    const { revision: _revision, ...view } = subject;
    return { body: { ...view, trail: await deps.audit.of(path.id) } };
  },
);
