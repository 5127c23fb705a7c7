import type { AsyncParallelHook } from 'tapable';
declare module './registry.js' {
  interface HookRegistry {
    'direct.thing': AsyncParallelHook<[number]>;
  }
}
export {};
