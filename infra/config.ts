// Deployment settings from CDK context (`-c name=value`), parsed once; a missing or bad value stops synth.
import * as z from 'zod';

const configSchema = z.object({
  stage: z
    .string({ error: 'is required' })
    .regex(
      /^[a-z][a-z0-9-]{1,19}$/,
      'must be 2–20 lower-case letters, digits or dashes, starting with a letter',
    ),
  senderEmail: z.email({ error: 'must be the email address SES sends from (a verified identity)' }),
  alarmEmail: z.email({ error: 'must be the email address that receives operational alarms' }),
  appBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

export type DeploymentConfig = z.infer<typeof configSchema>;

const examples: Record<keyof DeploymentConfig, string> = {
  stage: 'prod',
  senderEmail: 'workflows@example.com',
  alarmEmail: 'ops@example.com',
  appBaseUrl: 'https://workflows.example.com',
};

/** Reads the context values; `read(name)` is `app.node.tryGetContext`. */
export function readDeploymentConfig(read: (name: string) => unknown): DeploymentConfig {
  const raw = Object.fromEntries(Object.keys(examples).map((name) => [name, read(name)]));
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof DeploymentConfig;
    return `  - ${name} ${issue.message}: pass it as  -c ${name}=${examples[name]}`;
  });
  throw new Error(`Cannot synthesize: bad or missing context values\n${lines.join('\n')}`);
}
