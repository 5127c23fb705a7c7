/**
 * The registry of billing providers (`billingProviders` in the container). A provider plugin
 * adds its provider in `boot()`:
 *
 *   async boot(ctx) { ctx.resolve('billingProviders').add(ctx.id, provider); }
 *
 * The billing module (a core module) boots before every plugin, so the registry exists; a
 * second provider with the same id, or a plan id another provider already sells, fails start-up
 * naming both plugins. Plans come with their provider, so the catalog is whatever the loaded
 * providers sell.
 */
import { NovumError } from '../kernel/errors.js';
import type { BillingProvider, PlanDefinition } from './contract.js';

const PROVIDER_ID = /^[a-z][a-z0-9-]{0,39}$/;
const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface BillingProviderDeclaration {
  pluginId: string;
  provider: BillingProvider;
}

export class BillingProviderRegistry {
  private readonly providers = new Map<string, BillingProviderDeclaration>();
  private readonly planOwners = new Map<string, { pluginId: string; plan: PlanDefinition }>();

  add(pluginId: string, provider: BillingProvider): void {
    if (!PROVIDER_ID.test(provider.id)) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" declares billing provider "${provider.id}": ids must be kebab-case, starting with a letter`,
      );
    }
    const existing = this.providers.get(provider.id);
    if (existing) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" cannot provide billing provider "${provider.id}": already provided by plugin "${existing.pluginId}"`,
      );
    }
    for (const plan of provider.plans) {
      if (!PLAN_ID.test(plan.id) || !Number.isInteger(plan.unitAmount) || plan.unitAmount < 0) {
        throw new NovumError(
          'PLUGIN_DECLARATION_INVALID',
          `plugin "${pluginId}": plan "${plan.id}" needs a kebab-case id and an integer price in minor units`,
        );
      }
      const owner = this.planOwners.get(plan.id);
      if (owner) {
        throw new NovumError(
          'PLUGIN_DECLARATION_INVALID',
          `plugin "${pluginId}" declares plan "${plan.id}", already declared by plugin "${owner.pluginId}"`,
        );
      }
    }
    if (
      provider.defaultPlan &&
      !provider.plans.some((p) => p.id === provider.defaultPlan!.planId)
    ) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}": default plan "${provider.defaultPlan.planId}" is not one of its plans`,
      );
    }
    for (const plan of provider.plans) this.planOwners.set(plan.id, { pluginId, plan });
    this.providers.set(provider.id, { pluginId, provider });
  }

  get(id: string): BillingProvider | undefined {
    return this.providers.get(id)?.provider;
  }

  list(): BillingProvider[] {
    return [...this.providers.values()].map((d) => d.provider);
  }

  get empty(): boolean {
    return this.providers.size === 0;
  }

  plan(id: string): PlanDefinition | undefined {
    return this.planOwners.get(id)?.plan;
  }

  /** The provider selling `planId`. */
  providerOfPlan(planId: string): BillingProvider | undefined {
    const owner = this.planOwners.get(planId);
    if (!owner) return undefined;
    return this.list().find((p) => p.plans.some((plan) => plan.id === planId));
  }

  plans(): PlanDefinition[] {
    return this.list().flatMap((p) => p.plans);
  }

  /** The first registered provider with a default plan: what a workspace without one gets. */
  defaultProvider(): BillingProvider | undefined {
    return this.list().find((p) => p.defaultPlan);
  }
}
