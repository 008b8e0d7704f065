// The whole deployment for one stage: table, mail, API, workflow functions, workflows and monitoring.
import { Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { listWorkflowSlugs } from '#workflows/definitions.ts';
import { type Access, type Registry, registry as workflowRegistry } from '#workflows/registry.ts';
import type { DeploymentConfig } from './config.ts';
import { Api, functionId } from './constructs/api.ts';
import { BusinessFunction } from './constructs/business-function.ts';
import { Mailer } from './constructs/mailer.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { BusinessTable } from './constructs/table.ts';
import { Workflow } from './constructs/workflow.ts';
import { routes as apiRoutes, type RouteSpec } from './routes.ts';

export interface SalesOpsStackProps extends StackProps {
  config: DeploymentConfig;
  /** Overridable so tests can deploy fixture routes and workflows. */
  routes?: readonly RouteSpec[];
  registry?: Registry;
  workflowSlugs?: readonly string[];
  definitionsDir?: string;
}

export class SalesOpsStack extends Stack {
  readonly table: BusinessTable;
  readonly mailer: Mailer;
  readonly api: Api;
  readonly workflows: ReadonlyMap<string, Workflow>;
  /** Every Lambda function of the stage: API handlers and workflow steps. */
  readonly functions: readonly BusinessFunction[];

  constructor(scope: Construct, id: string, props: SalesOpsStackProps) {
    super(scope, id, props);
    const { stage } = props.config;
    const registry = props.registry ?? workflowRegistry;
    const routes = props.routes ?? apiRoutes;

    const key = new Key(this, 'NotificationKey', {
      description: `${stage} sales-ops: encrypts alarm and mail-event topics`,
      enableKeyRotation: true,
    });
    this.table = new BusinessTable(this, 'Business');
    this.mailer = new Mailer(this, 'Mail', { senderEmail: props.config.senderEmail, encryptionKey: key });
    this.api = new Api(this, 'Api', { stage, routes });
    const appBaseUrl = props.config.appBaseUrl ?? this.api.url;

    const grant = (fn: BusinessFunction, uses: readonly Access[]) => {
      if (uses.includes('table')) fn.useTable(this.table.table);
      if (uses.includes('mail')) fn.useMailer(this.mailer, appBaseUrl);
      if (uses.includes('workflows')) fn.useWorkflows(stage);
    };
    for (const route of routes) grant(this.api.functions.get(route.entry) as BusinessFunction, route.uses);

    const functions = [...this.api.functions.values()];
    const stepFunctions: Record<string, IFunction> = {};
    for (const [placeholder, spec] of Object.entries(registry)) {
      if (spec.kind !== 'function') continue;
      const fn = new BusinessFunction(this, functionId(spec.entry), spec);
      grant(fn, spec.uses);
      stepFunctions[placeholder] = fn.fn;
      functions.push(fn);
    }
    this.functions = functions;

    const workflows = new Map<string, Workflow>();
    for (const slug of props.workflowSlugs ?? listWorkflowSlugs()) {
      workflows.set(
        slug,
        new Workflow(this, slug, {
          stage,
          slug,
          registry,
          functions: stepFunctions,
          definitionsDir: props.definitionsDir,
        }),
      );
    }
    this.workflows = workflows;

    new Monitoring(this, 'Monitoring', {
      stage,
      alarmEmail: props.config.alarmEmail,
      encryptionKey: key,
      httpApi: this.api.httpApi,
      functions: functions.map((f) => f.fn),
      stateMachines: [...workflows.values()].map((w) => w.stateMachine),
    });
  }
}
