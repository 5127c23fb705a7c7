/**
 * The billing module's tables as MikroORM entities (the module's SQL lives in `store.ts`; the
 * entities name the tables for the ORM and the personal-data declaration).
 */
import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

export interface BillingSubscriptionRow {
  id: string;
  workspaceId: string;
  providerId: string;
  planId: string;
  status: string;
  seats: number;
  externalCustomerId: string | null;
  externalSubscriptionId: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  canceledAt: Date | null;
  notices: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export const BillingSubscriptionSchema = new EntitySchema<BillingSubscriptionRow>({
  name: 'BillingSubscription',
  tableName: 'billing_subscription',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    providerId: { type: 'text' },
    planId: { type: 'text' },
    status: { type: 'text' },
    seats: { type: 'integer' },
    externalCustomerId: { type: 'text', nullable: true },
    externalSubscriptionId: { type: 'text', nullable: true },
    currentPeriodStart: { type: 'Date', columnType: 'timestamptz', nullable: true },
    currentPeriodEnd: { type: 'Date', columnType: 'timestamptz', nullable: true },
    trialEnd: { type: 'Date', columnType: 'timestamptz', nullable: true },
    cancelAtPeriodEnd: { type: 'boolean' },
    pastDueSince: { type: 'Date', columnType: 'timestamptz', nullable: true },
    canceledAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    notices: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** The workspace's billing contact: personal data (name, email, address, VAT id). */
export interface BillingContactRow {
  id: string;
  workspaceId: string;
  name: string | null;
  email: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  vatId: string | null;
  updatedAt: Date;
}

export const BillingContactSchema = new EntitySchema<BillingContactRow>({
  name: 'BillingContact',
  tableName: 'billing_contact',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text', nullable: true },
    email: { type: 'text', nullable: true },
    addressLine1: { type: 'text', nullable: true },
    addressLine2: { type: 'text', nullable: true },
    postalCode: { type: 'text', nullable: true },
    city: { type: 'text', nullable: true },
    region: { type: 'text', nullable: true },
    country: { type: 'text', nullable: true },
    vatId: { type: 'text', nullable: true },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const billingEntities = [BillingSubscriptionSchema, BillingContactSchema];
