// Domain errors: what went wrong in the business's terms, and the HTTP status it maps to at the edge.

export interface FieldProblem {
  field: string;
  message: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 422;

export class DomainError extends Error {
  override name = 'DomainError';
  readonly status: ErrorStatus;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: ErrorStatus, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const unauthorized = () =>
  new DomainError(401, 'unauthorized', 'Sign in first: a bearer token is required');
export const notFound = (what: string) => new DomainError(404, 'not-found', `${what} was not found`);
export const forbidden = (message: string) => new DomainError(403, 'forbidden', message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError(409, 'conflict', message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(422, code, message, details);

/** Bad input that a schema alone cannot catch (a rule across fields); reported per field like a schema error. */
export class InvalidInput extends Error {
  override name = 'InvalidInput';
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
    this.fields = fields;
  }
}
