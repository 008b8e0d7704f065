// CDK entry point (cdk.json "app"): the context values come from `-c name=value` on the command line.
import { App } from 'aws-cdk-lib';
import { buildSalesOpsApp } from './sales-ops-app.ts';

buildSalesOpsApp(new App());
