// The API fuzz at soak size (npm run test:soak): the same properties as test/e2e/api-fuzz.test.ts, many more cases.
import { describeApiFuzz } from '../e2e/api-fuzz.ts';

describeApiFuzz({ perRoute: 100, bodiesPerRoute: 120, decisionsPerTask: 120 });
