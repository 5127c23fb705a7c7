/**
 * Domain events: facts that happened, recorded in the outbox inside the caller's transaction.
 * Nothing is sent here; the relay (`outbox-relay.ts`) hands committed events to subscribers
 * through the job queue, so a rolled-back change never emits, and a crash never loses one.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../kernel/contract.js';
import type { Clock } from '../kernel/clock.js';
import { DomainEventSchema, type DomainEvent } from './domain-event.entity.js';

/**
 * Event name -> payload. Domain modules and plugins add their events by declaration merging:
 * `declare module '@novumdesk/core' { interface EventMap { 'ticket.created': { ticketId: string } } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

/** The envelope every subscriber receives. */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  name: string;
  position: string;
  workspaceId: string | null;
  payload: P;
  actor: { kind: string; id: string } | null;
  requestId: string | null;
  occurredAt: string;
}

export interface RecordMeta {
  workspaceId?: string | null;
  actor?: Actor | null;
  requestId?: string | null;
}

export interface Subscription {
  event: string;
  /** The job queue that receives this subscriber's copy of each event. */
  queue: string;
  owner: string;
}

export class EventBus {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly clock: Clock) {}

  /**
   * Adds an event to the caller's unit of work. It is written by the caller's next flush (inside
   * its transaction), never on its own.
   */
  record<K extends keyof EventMap & string>(
    em: EntityManager,
    name: K,
    payload: EventMap[K],
    meta?: RecordMeta,
  ): DomainEvent;
  record(
    em: EntityManager,
    name: string,
    payload: Record<string, unknown>,
    meta?: RecordMeta,
  ): DomainEvent;
  record(em: EntityManager, name: string, payload: object, meta: RecordMeta = {}): DomainEvent {
    const event = em.create(DomainEventSchema, {
      id: uuidv7(),
      name,
      workspaceId: meta.workspaceId ?? null,
      payload: payload as Record<string, unknown>,
      actor: meta.actor ? { kind: meta.actor.kind, id: meta.actor.id } : null,
      requestId: meta.requestId ?? null,
      occurredAt: this.clock.now(),
      dispatchedAt: null,
    });
    em.persist(event);
    return event;
  }

  /**
   * `record` with what a request or job scope already knows: its EntityManager (the workspace
   * transaction's), actor, workspace and request id.
   */
  recordFrom<K extends keyof EventMap & string>(
    scope: {
      em: EntityManager;
      actor: Actor | null;
      workspaceId: string | null;
      requestId: string;
    },
    name: K,
    payload: EventMap[K],
  ): DomainEvent {
    const { em, actor, workspaceId, requestId } = scope;
    return this.record(em, name, payload, { workspaceId, actor, requestId });
  }

  subscribe(subscription: Subscription): void {
    const duplicate = this.subscriptions.find((s) => s.queue === subscription.queue);
    if (duplicate)
      throw new Error(`event subscriber queue "${subscription.queue}" is declared twice`);
    this.subscriptions.push(subscription);
  }

  subscribersOf(eventName: string): Subscription[] {
    return this.subscriptions.filter((s) => s.event === eventName || s.event === '*');
  }

  get all(): readonly Subscription[] {
    return this.subscriptions;
  }
}
