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
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../routes.ts';
import type { BusinessFunction } from './business-function.ts';

export interface ApiProps {
  stage: string;
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly accessLogs: LogGroup;
  /** Routes deliberately served without the authorizer. */
  readonly publicRoutes: HttpRoute[] = [];
  readonly url: string;
  readonly #authorizer: HttpUserPoolAuthorizer;
  readonly #integrations = new Map<BusinessFunction, HttpLambdaIntegration>();

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
      // Essentials is the lowest plan whose pre-token-generation trigger may add claims to access tokens.
      featurePlan: FeaturePlan.ESSENTIALS,
    });
    // Exactly the flows the README documents: SRP sign-in (password never sent) and refreshing. No hosted UI and no
    // OAuth flows: the pool has no domain, so a callback URL would only be a placeholder nobody can use.
    this.userPoolClient = this.userPool.addClient('Integrations', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });
    this.#authorizer = new HttpUserPoolAuthorizer('StaffToken', this.userPool, {
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
  }

  /**
   * Cognito calls `fn` before issuing tokens; it puts the person's email into the access token too, so the API knows
   * the caller from either token the same way (the directory is keyed by email).
   */
  addSignInClaims(fn: IFunction): void {
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, LambdaVersion.V2_0);
  }

  /** Serves `route` with `fn`; every route but the public ones goes through the JWT authorizer. */
  addRoute(route: RouteSpec, fn: BusinessFunction): void {
    let integration = this.#integrations.get(fn);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.fn);
      this.#integrations.set(fn, integration);
    }
    const added = this.httpApi.addRoutes({
      path: route.path,
      methods: [route.method as HttpMethod],
      integration,
      authorizer: route.access === 'public' ? new HttpNoneAuthorizer() : this.#authorizer,
    });
    if (route.access === 'public') this.publicRoutes.push(...added);
  }
}
