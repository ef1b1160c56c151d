/** Moved to src/testing so the benchmarks can use it too. */
export * from '../../src/testing/temp.js';
