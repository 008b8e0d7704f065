// esbuild settings every Lambda bundle shares, kept free of CDK so the bench builds exactly what the stack deploys.
import { join } from 'node:path';
import { repositoryRoot } from './repository-root.ts';

/** Some dependencies still call require(); ESM bundles need it defined. */
export const requireBanner = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/**
 * Module swaps for bundles with the SDK inside: the SDK's default credential chain becomes the environment provider
 * (see functions/shared/lambda-credentials.ts), which is all a Lambda ever uses, and DynamoDB's endpoint cache gets a
 * Map-based LRU (functions/shared/endpoint-lru.ts) instead of a 7 KB data-structure library.
 */
export const bundledSdkAliases: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(repositoryRoot, 'functions/shared/lambda-credentials.ts'),
  'mnemonist/lru-cache': join(repositoryRoot, 'functions/shared/endpoint-lru.ts'),
};
