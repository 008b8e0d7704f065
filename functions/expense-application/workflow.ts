// The advance application workflow for the kit: the sales manager, then the sales director, approve or reject.

import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';
import { ApplicationRepository } from './application-repository.ts';
import type { Application } from './model.ts';
import { type ApplicationPolicy, readApplicationPolicy } from './policy.ts';
import { applicationWords as words } from './words.ts';

export interface ApplicationDeps {
  applications: ApplicationRepository;
  people: Pick<PeopleRepository, 'get'>;
  policy(): ApplicationPolicy;
}

const policy = lazy(() => readApplicationPolicy(process.env.EXPENSE_APPLICATION_POLICY));

const review = (type: string, role: 'sales-manager' | 'sales-director') => ({
  type,
  outcomes: ['approve', 'reject'] as const,
  assignee: () => ({ role }),
  sla: (deps: ApplicationDeps) => deps.policy().reviewSla,
});

export const expenseApplication: Workflow<Application, ApplicationDeps> = {
  slug: 'expense-application',
  kind: 'expense-application',
  words,
  deps: (table) => ({
    applications: new ApplicationRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    policy,
  }),
  subjects: (deps) => deps.applications,
  requester: (application) => application.applicant,
  title: (application) => `${application.costCenter} · ${application.reason.slice(0, 60)}`,
  amount: (application) => application.amount,
  humanSteps: {
    'Sales manager review': review('advance-application-sales-manager', 'sales-manager'),
    'Sales director review': review('advance-application-sales-director', 'sales-director'),
  },
  async summarize({ subject, locale, deps }) {
    const applicant = await deps.people.get(subject.applicant);
    const fact = (label: keyof typeof words.facts, value: Application['amount'] | string) => ({
      label: words.facts[label][locale],
      value,
    });
    return {
      facts: [
        fact('applicant', applicant?.name ?? subject.applicant),
        fact('costCenter', subject.costCenter),
        fact('amount', subject.amount),
        fact('reason', subject.reason),
      ],
      lines: [],
      findings: [],
      history: [],
    };
  },
  endings: {
    approved: { status: 'APPROVED', ...words.endings.approved },
    rejected: { status: 'REJECTED', ...words.endings.rejected },
    expired: { status: 'EXPIRED', ...words.endings.expired },
  },
};
