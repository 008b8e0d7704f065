// The API fuzzed with fast-check, a few cases each (the soak run has many): every route, every writing route's body,
// the forms of an open task of every workflow; no 5xx, no internals, a 400 naming each field, nothing written.
import { describeApiFuzz } from './api-fuzz.ts';

describeApiFuzz({ perRoute: 6, bodiesPerRoute: 8, decisionsPerTask: 8 });
