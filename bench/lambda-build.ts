// The stack's esbuild settings for a Lambda handler (business-function.ts), reproduced once for the bench.
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { bundledSdkAliases, requireBanner } from '#infra/lambda-bundling.ts';
import { repositoryRoot } from '#infra/repository-root.ts';

export { repositoryRoot };

/**
 * What `NodejsFunction` passes to esbuild for our `bundling` props (aws-cdk-lib's bundling.ts): ESM, node24, minified,
 * linked source map without the sources' text, `module` before `main`, the repository tsconfig, the createRequire
 * banner, UTF-8 output, and no externals because `bundleAwsSDK` is true. Importing CDK here would pull the whole
 * construct library into the bench for one argument list; keep this in step with business-function.ts instead.
 */
export const stackBundling = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: requireBanner,
  charset: 'utf8',
} as const;

/** The runtime environment the stack gives every function (business-function.ts). */
export const stackEnvironment = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'sales-ops',
};

export function lambdaBuildOptions(entryPath: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: repositoryRoot,
    entryPoints: [entryPath],
    bundle: true,
    outfile,
    format: stackBundling.format,
    target: stackBundling.target,
    platform: stackBundling.platform,
    minify: stackBundling.minify,
    sourcemap: stackBundling.sourcemap,
    sourcesContent: stackBundling.sourcesContent,
    mainFields: [...stackBundling.mainFields],
    tsconfig: join(repositoryRoot, 'tsconfig.json'),
    banner: { js: stackBundling.banner },
    charset: stackBundling.charset,
    alias: { ...bundledSdkAliases },
    metafile: true,
    logLevel: 'error',
  };
}

/** Builds `entryPath` (absolute, or relative to the repository root) to `outfile`; returns esbuild's metafile. */
export async function buildLambda(entryPath: string, outfile: string): Promise<Metafile> {
  const result = await build(lambdaBuildOptions(entryPath, outfile));
  if (!result.metafile) throw new Error(`esbuild gave no metafile for ${entryPath}`);
  return result.metafile;
}
