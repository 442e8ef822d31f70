import { describeGeneratedCode } from '../../../scripts/sdk-tests.js';

describeGeneratedCode('kontent', import.meta.url);
