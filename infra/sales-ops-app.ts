// Builds the deployable app: the stage's stack from the context values, tagged, with cdk-nag's AwsSolutions checks.
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentConfig } from './config.ts';
import { acknowledgeNagFindings } from './nag.ts';
import { SalesOpsStack } from './stack.ts';

export function buildSalesOpsApp(app: App): SalesOpsStack {
  const config = readDeploymentConfig((name) => app.node.tryGetContext(name));
  const stack = new SalesOpsStack(app, `${config.stage}-sales-ops`, {
    config,
    description: `Sales-operations workflows (${config.stage})`,
  });
  Tags.of(stack).add('app', 'sales-ops');
  Tags.of(stack).add('stage', config.stage);
  acknowledgeNagFindings(stack);
  // Synth fails on any unacknowledged finding.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
