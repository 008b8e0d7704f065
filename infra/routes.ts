// Every HTTP API route in one table: the stack deploys it and the sandbox's gateway serves it.
import type { Access } from '#workflows/registry.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path template, e.g. `/people/{email}`. */
  path: string;
  /** Handler file relative to the repository root; one function per file, shared by its routes. */
  entry: string;
  description: string;
  /** `public` routes skip the JWT authorizer: liveness, and the task pages whose link carries its own secret. */
  access: 'public' | 'signed-in';
  uses: readonly Access[];
}

export const routes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health.ts',
    description: 'Liveness',
    access: 'public',
    uses: [],
  },
];
