/** Jest runs in native ESM mode (NestJS 12 ships ESM only); SWC compiles TypeScript with decorator metadata. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // @swc/jest emits ESM or CommonJS as Jest asks; that lets CommonJS packages (for example
  // @fastify/static) require ESM-only ones (content-disposition) on Node 20, where Jest
  // cannot require(esm) by itself.
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    '^.+\\.js$': ['@swc/jest', { ...swc, jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
