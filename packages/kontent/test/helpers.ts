// The shared SDK test helpers.
export { type Recorded, recordingFetch } from '../../../scripts/sdk-tests.js';
