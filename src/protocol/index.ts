export * from './bbcode-text.js';
export * from './customer-text.js';
export * from './errors.js';
export * from './keys.js';
export * from './jws.js';
export * from './packets.js';
