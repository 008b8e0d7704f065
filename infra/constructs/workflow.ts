// One Step Functions state machine from workflows/<slug>.asl.json, its placeholders filled from the registry.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { childWorkflowsOf, placeholdersOf, readDefinitionText } from '#workflows/definitions.ts';
import type { Registry } from '#workflows/registry.ts';
import { stateMachineArn } from './business-function.ts';

export interface WorkflowProps {
  stage: string;
  slug: string;
  registry: Registry;
  /** The deployed function for each function placeholder of the registry. */
  functions: Readonly<Record<string, IFunction>>;
  /** Folder holding `<slug>.asl.json`; the project's workflows/ unless a test points elsewhere. */
  definitionsDir?: string;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const text = readDefinitionText(props.slug, props.definitionsDir);
    const substitutions: Record<string, string> = {};
    const invoked: IFunction[] = [];
    const children: { name: string; waits: boolean }[] = [];
    const waitsFor = new Map(childWorkflowsOf(text).map((child) => [child.placeholder, child.waits]));
    for (const name of placeholdersOf(text)) {
      const spec = props.registry[name];
      if (!spec)
        throw new Error(`${props.slug}.asl.json uses \${${name}}, which the workflow registry does not list`);
      if (spec.kind === 'function') {
        const fn = props.functions[name];
        if (!fn) throw new Error(`No function was created for placeholder \${${name}}`);
        // The unqualified ARN: executions in flight call the latest code after a deploy instead of failing.
        substitutions[name] = fn.functionArn;
        invoked.push(fn);
      } else {
        // By name, not by reference: two workflows that start each other would otherwise form a cycle.
        substitutions[name] = stateMachineArn(this, props.stage, spec.slug);
        children.push({ name: `${props.stage}-${spec.slug}`, waits: waitsFor.get(name) ?? false });
      }
    }

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stage}-${props.slug}`,
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.stage}-${props.slug}`,
      stateMachineType: StateMachineType.STANDARD,
      // fromString, not fromFile: the definition stays inline in the template, where tests can read it.
      definitionBody: DefinitionBody.fromString(text),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // Execution data holds task tokens; they must never reach the logs.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    if (invoked.length > 0) {
      // Exactly the unqualified functions it references; no versions or aliases (`:*`) to widen it.
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: invoked.map((fn) => fn.functionArn),
        }),
      );
    }
    if (children.length > 0) this.#allowChildExecutions(children);
  }

  /**
   * Starting a child needs StartExecution on it; waiting for it (`.sync`) also needs to watch and stop its executions
   * and the managed rule that reports back.
   */
  #allowChildExecutions(all: { name: string; waits: boolean }[]): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({
        service: 'states',
        resource,
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: all.map((c) => arn('stateMachine', c.name)),
      }),
    );
    const children = all.filter((c) => c.waits).map((c) => c.name);
    if (children.length === 0) return;
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: children.map((c) => arn('execution', `${c}:*`)),
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule',
          }),
        ],
      }),
    );
  }
}
