export {
  LocalDiskStorage,
  assertStorageKey,
  isStorageKey,
  newStorageKey,
  type StorageProvider,
  type StoredFile,
  type StoredObject,
} from './storage.js';
export { sniffImage, type RasterImageType } from './sniff.js';
export { payloadTooLarge, readRawBody } from './raw-body.js';
