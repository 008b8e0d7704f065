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
