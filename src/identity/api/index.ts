// What other domains use: the module, the type they add fields to, and the customer reads.
export { IdentityModule } from './identity.module';
export { Customer } from './customer.model';
export { CustomerDirectory } from './customer-directory';
export { IDENTITY_STORE } from './identity.tokens';
