import type { AsyncParallelHook } from 'tapable';
import type { HookRegistry } from './registry.js';
declare module './index.js' {
  interface HookRegistry { 'zz.thing': AsyncParallelHook<[number]> }
}
export const k: keyof HookRegistry = 'zz.thing';

