/** Injection tokens for ports, so NestJS wires interfaces to the adapters configuration picks. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const LAKE_ENGINE = Symbol('LAKE_ENGINE');
