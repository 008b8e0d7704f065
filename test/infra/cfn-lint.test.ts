// AWS's CloudFormation linter over the synthesized template: no finding but the accepted ones, each with its reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildSalesOpsApp } from '#infra/sales-ops-app.ts';

/** What cfn-lint reports that we accept; anything else fails. `resourceType` narrows a rule to one kind of resource. */
export const acceptedFindings: readonly { rule: string; resourceType?: string; reason: string }[] = [
  {
    rule: 'E3002',
    resourceType: 'AWS::CloudWatch::Dashboard',
    reason:
      "A false positive: cfn-lint's bundled schema has no Tags on AWS::CloudWatch::Dashboard, which CloudFormation " +
      'accepts; CDK tags the dashboard like every other resource.',
  },
  {
    rule: 'W3005',
    reason:
      "CDK makes each function and state machine depend on its role's policy, so the policy exists before the first " +
      'run; the same DependsOn also names the role, which the GetAtt already implies. Redundant, harmless.',
  },
];

const onPath = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
/** CI sets this so the test cannot pass by skipping: .ci/run installs cfn-lint first. */
const required = process.env.REQUIRE_CFN_LINT === '1';

interface Finding {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

describe.skipIf(!onPath && !required)('cfn-lint', () => {
  it('is installed where it is required', () => {
    expect(onPath, 'cfn-lint is not on the PATH: pip install cfn-lint (CI: .ci/run does)').toBe(true);
  });

  it('finds nothing in the stage’s template but the accepted findings', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sales-ops-cfn-lint-'));
    try {
      const app = new App({
        outdir,
        context: {
          'aws:cdk:bundling-stacks': [],
          stage: 'lint',
          senderEmail: 'workflows@example.com',
          senderDomain: 'example.com',
          alarmEmail: 'ops@example.com',
        },
      });
      const stack = buildSalesOpsApp(app);
      const artifact = app.synth().getStackByName(stack.stackName);
      const file = artifact.templateFullPath;
      const template = artifact.template as { Resources: Record<string, { Type: string }> };
      const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8' });
      expect(run.error).toBeUndefined();
      const findings = JSON.parse(run.stdout || '[]') as Finding[];
      const typeAt = (finding: Finding) =>
        finding.Location.Path[0] === 'Resources'
          ? template.Resources[String(finding.Location.Path[1])]?.Type
          : undefined;
      const unexpected = findings
        .filter((f) => f.Level !== 'Informational')
        .filter(
          (f) =>
            !acceptedFindings.some(
              (a) => a.rule === f.Rule.Id && (!a.resourceType || a.resourceType === typeAt(f)),
            ),
        )
        .map((f) => `${f.Level} ${f.Rule.Id} at ${f.Location.Path.join('/')}: ${f.Message}`);
      expect(unexpected).toEqual([]);
      // The accepted findings are still what cfn-lint reports: an entry nobody needs any more is removed.
      const seen = new Set(findings.map((f) => f.Rule.Id));
      for (const accepted of acceptedFindings) expect(seen, accepted.rule).toContain(accepted.rule);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
