import { describeGeneratedCode } from '../../../scripts/sdk-tests.js';

describeGeneratedCode('idm', import.meta.url);
