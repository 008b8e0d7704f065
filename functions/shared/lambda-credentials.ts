// Lambda's credentials, read from its environment: Lambda bundles use this instead of the SDK's whole default chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node`'s `defaultProvider` (esbuild alias, see business-function.ts).
 * Lambda always puts the execution role's credentials in the environment, so the chain's other sources (profiles,
 * SSO, STS web identity, the instance metadata service) are dead weight: about 80 KB of every bundle.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
