// Readable, stable construct ids and function names from handler file paths.

/** `functions/api/get-person.ts` → `ApiGetPerson`: a readable construct id, stable as long as the file keeps its name. */
export function functionId(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
