import { describeGeneratedCode } from '../../../scripts/sdk-tests.js';

describeGeneratedCode('flow', import.meta.url);
