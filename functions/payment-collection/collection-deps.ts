// Payment collection's table dependencies from the environment, made once per container.
import { lazy } from '#shared/lazy.ts';
import { tableFromEnv } from '#shared/table.ts';
import { type CollectionDeps, paymentCollection } from './workflow.ts';

export const collectionDeps = lazy((): CollectionDeps => paymentCollection.deps(tableFromEnv()));
