// GET /health: liveness for load balancers and the sandbox's start-up check; touches nothing.
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler({ access: 'public' }, async () => ({ body: { status: 'ok' } }));
