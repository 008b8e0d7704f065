// For the steps that start ladder runs: the collection's store and the Step Functions starter, made once.
import { lazy } from '#shared/lazy.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import { collectionDeps } from './collection-deps.ts';
import type { StartDeps } from './collection-start.ts';
import type { CollectionDeps } from './workflow.ts';

export const startDeps = lazy((): StartDeps & CollectionDeps => ({
  ...collectionDeps(),
  starter: starterFromEnv(),
}));
