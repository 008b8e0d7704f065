// CDK entry point: reads the context values, builds the stage's stack and runs cdk-nag's AwsSolutions checks.
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentConfig } from './config.ts';
import { acknowledgeNagFindings } from './nag.ts';
import { SalesOpsStack } from './stack.ts';

const app = new App();
const config = readDeploymentConfig((name) => app.node.tryGetContext(name));
const stack = new SalesOpsStack(app, `${config.stage}-sales-ops`, {
  config,
  description: `Sales-operations workflows (${config.stage})`,
});
Tags.of(stack).add('app', 'sales-ops');
Tags.of(stack).add('stage', config.stage);
acknowledgeNagFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
