// Deployment settings from CDK context (`-c name=value`), parsed once; a missing or bad value stops synth.
import * as z from 'zod/mini';
import { inEnglish } from '#shared/schema-parse.ts';

const configSchema = z.object({
  stage: z
    .string({ error: 'is required' })
    .check(
      z.regex(
        /^[a-z][a-z0-9-]{1,19}$/,
        'must be 2–20 lower-case letters, digits or dashes, starting with a letter',
      ),
    ),
  senderEmail: z.email({ error: 'must be the email address task mails come from' }),
  /**
   * `create`: the stack creates the SES identity (the address, or `senderDomain` with DKIM). `existing`: the identity
   * is already verified in the account (by hand, or by another stage) and is used by name; creating it again fails.
   */
  senderIdentity: z._default(
    z.enum(['create', 'existing'], { error: 'must be create or existing' }),
    'create',
  ),
  /** The sender's domain, verified as a whole with DKIM instead of the one address. */
  senderDomain: z.optional(
    z.string().check(
      z.regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        error: 'must be a lower-case domain name such as example.com',
      }),
    ),
  ),
  alarmEmail: z.email({ error: 'must be the email address that receives operational alarms' }),
  appBaseUrl: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
});

/** A domain identity sends for the addresses of that domain only. */
const deploymentSchema = configSchema.check(
  z.refine(
    (config) => !config.senderDomain || config.senderEmail.toLowerCase().endsWith(`@${config.senderDomain}`),
    { path: ['senderDomain'], error: "must be senderEmail's domain (the part after @)" },
  ),
);

export type DeploymentConfig = z.infer<typeof configSchema>;
export type SenderIdentityMode = DeploymentConfig['senderIdentity'];

const examples: Record<keyof DeploymentConfig, string> = {
  stage: 'prod',
  senderEmail: 'workflows@example.com',
  senderIdentity: 'existing',
  senderDomain: 'example.com',
  alarmEmail: 'ops@example.com',
  appBaseUrl: 'https://workflows.example.com',
};

/** Reads the context values; `read(name)` is `app.node.tryGetContext`. */
export function readDeploymentConfig(read: (name: string) => unknown): DeploymentConfig {
  const raw = Object.fromEntries(Object.keys(examples).map((name) => [name, read(name)]));
  const parsed = deploymentSchema.safeParse(raw, inEnglish);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof DeploymentConfig;
    return `  - ${name} ${issue.message}: pass it as  -c ${name}=${examples[name]}`;
  });
  throw new Error(`Cannot synthesize: bad or missing context values\n${lines.join('\n')}`);
}
