/** The processing module's public surface: `isProcessingAllowed` and its hook's types. */
import './hooks.js';

export { processingModule } from './processing.module.js';
export { isProcessingAllowed } from './processing.js';
export type { ProcessingPurpose, ProcessingQuery, ProcessingSubject } from './hooks.js';
