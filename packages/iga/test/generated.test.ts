import { describeGeneratedCode } from '../../../scripts/sdk-tests.js';

describeGeneratedCode('iga', import.meta.url);
