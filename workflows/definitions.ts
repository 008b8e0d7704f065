// Finds and reads the workflow definitions (workflows/<slug>.asl.json) and the ${Placeholders} they use.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workflowsDir = dirname(fileURLToPath(import.meta.url));

const definitionSuffix = '.asl.json';

/** Slugs of every workflow definition in `dir`, sorted. */
export function listWorkflowSlugs(dir = workflowsDir): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(definitionSuffix))
    .map((file) => file.slice(0, -definitionSuffix.length))
    .sort();
}

export function definitionPath(slug: string, dir = workflowsDir): string {
  return join(dir, `${slug}${definitionSuffix}`);
}

export function readDefinitionText(slug: string, dir = workflowsDir): string {
  return readFileSync(definitionPath(slug, dir), 'utf8');
}

/** Distinct `${Name}` placeholders in a definition's text, in order of first use. */
export function placeholdersOf(definitionText: string): string[] {
  return [
    ...new Set([...definitionText.matchAll(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1] as string)),
  ];
}

/** Replaces every `${Name}`; a placeholder without a value is an error naming it, never left in place. */
export function substitute(definitionText: string, values: Readonly<Record<string, string>>): string {
  return definitionText.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for placeholder \${${name}}`);
    return value;
  });
}

/**
 * The workflows a definition starts (`states:startExecution` tasks naming a `${Placeholder}` state machine), and
 * whether it waits for them (`.sync`): starting needs less permission than watching.
 */
export function childWorkflowsOf(definitionText: string): { placeholder: string; waits: boolean }[] {
  const found = new Map<string, boolean>();
  const visit = (machine: unknown): void => {
    if (!isObject(machine) || !isObject(machine.States)) return;
    for (const state of Object.values(machine.States)) {
      if (!isObject(state)) continue;
      const resource = typeof state.Resource === 'string' ? state.Resource : '';
      const target = isObject(state.Parameters) ? state.Parameters.StateMachineArn : undefined;
      const placeholder =
        typeof target === 'string' ? /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(target)?.[1] : undefined;
      if (placeholder && resource.startsWith('arn:aws:states:::states:startExecution')) {
        found.set(placeholder, (found.get(placeholder) ?? false) || resource.includes('.sync'));
      }
      if (Array.isArray(state.Branches)) for (const branch of state.Branches) visit(branch);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(JSON.parse(definitionText));
  return [...found].map(([placeholder, waits]) => ({ placeholder, waits }));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
