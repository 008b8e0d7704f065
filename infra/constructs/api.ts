// The HTTP API: Cognito-backed JWT authorizer, access logs, throttling, and one function per handler file.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  HttpApi,
  type HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../routes.ts';
import { BusinessFunction } from './business-function.ts';

export interface ApiProps {
  stage: string;
  routes: readonly RouteSpec[];
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly accessLogs: LogGroup;
  /** The function serving each handler file, keyed by its entry. */
  readonly functions: ReadonlyMap<string, BusinessFunction>;
  /** Routes deliberately served without the authorizer. */
  readonly publicRoutes: readonly HttpRoute[];
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Staff', {
      userPoolName: `${props.stage}-sales-ops-staff`,
      // Staff accounts are made by an admin; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: false } },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPoolClient = this.userPool.addClient('Integrations', {
      authFlows: { userSrp: true },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });
    const authorizer = new HttpUserPoolAuthorizer('StaffToken', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${props.stage}-sales-ops`,
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    this.url = this.httpApi.apiEndpoint;

    const functions = new Map<string, BusinessFunction>();
    const integrations = new Map<string, HttpLambdaIntegration>();
    const publicRoutes: HttpRoute[] = [];
    for (const route of props.routes) {
      let integration = integrations.get(route.entry);
      if (!integration) {
        const id = functionId(route.entry);
        const fn = new BusinessFunction(this, id, { entry: route.entry, description: route.description });
        integration = new HttpLambdaIntegration(`${id}Integration`, fn.fn);
        functions.set(route.entry, fn);
        integrations.set(route.entry, integration);
      }
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration,
        authorizer: route.access === 'public' ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.access === 'public') publicRoutes.push(...added);
    }
    this.functions = functions;
    this.publicRoutes = publicRoutes;
  }
}

/** `functions/api/get-person.ts` → `ApiGetPerson`: a readable, stable construct id. */
export function functionId(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
