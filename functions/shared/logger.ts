// The structured JSON logger every handler shares; never log tokens, link secrets or personal data beyond ids.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'sales-ops' });
